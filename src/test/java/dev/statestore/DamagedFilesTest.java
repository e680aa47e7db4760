package dev.statestore;

import dev.statestore.internal.cli.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariants 6, 10 and 11 for a store whose files were damaged while no process had it open:
 * each file filled with garbage, or deleted. Either the store opens as it was (a file that holds
 * only lock state is made again), or the first command fails with one clear error naming the file
 * and a command; that command, run exactly as written, brings back every acknowledged entry, and
 * {@code verify} then finds map and journal agreeing.
 */
class DamagedFilesTest {
    private static final int ENTRIES = 200;
    private static final Pattern SUGGESTED = Pattern.compile("'(statestore [a-z]+ [a-z0-9._-]+)'");
    private static final Pattern SET_ASIDE = Pattern.compile("move (\\S+) aside, then run '");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "map.dat, garbage", "map.dat, deleted",
        "stripes.tbl, garbage", "stripes.tbl, deleted",
        "versions.tbl, garbage", "versions.tbl, deleted",
        "procs.tbl, garbage", "procs.tbl, deleted",
        ".lock, garbage", ".lock, deleted",
        "journal/*metadata.cq4t, deleted",
        "journal/writers.tbl, garbage", "journal/writers.tbl, deleted",
        "journal/*.cq4, deleted", "journal/*.cq4, garbage",
        "checkpoints/*.ckpt, deleted", "checkpoints/*.ckpt, garbage",
    })
    void aDamagedFileIsEitherMadeAgainOrNamedWithACommandThatBringsEveryEntryBack(String file, String damage)
            throws IOException {
        Path data = dir.resolve("data");
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            for (int i = 0; i < ENTRIES; i++) {
                s.put("k" + i, "v" + i);
                if (i == ENTRIES / 2) {
                    store.admin().checkpoint("s");
                }
            }
        }
        Path target = resolve(data.resolve("s"), file);
        assertTrue(Files.exists(target), target + " exists before the damage");
        if (damage.equals("deleted")) {
            Files.delete(target);
        } else {
            byte[] garbage = new byte[(int) Math.min(Files.size(target), 1 << 16) + 1];
            new Random(file.hashCode()).nextBytes(garbage);
            Files.write(target, garbage);
        }

        // the first command names the damaged file; verify may then name what it finds (e.g. the journal lost files)
        settle(data, target.getFileName().toString(), "get", "s", "k7");
        settle(data, null, "verify", "s");
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            for (int i = 0; i < ENTRIES; i++) {
                assertEquals("v" + i, s.get("k" + i), "k" + i + " after " + file + " " + damage);
            }
            assertEquals(ENTRIES, s.size());
        }
    }

    /**
     * A file changed under a live process (the map file overwritten in place with lock words no
     * process holds, or truncated; the journal's cycle file truncated): the next read (the next
     * write, for the journal) fails at once, or within Chronicle's bounded segment-lock wait, with a
     * store error naming a command; the commands it leads to, run as written, bring every
     * acknowledged entry back.
     */
    @ParameterizedTest(name = "map.dat {0} under a live process")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"overwritten", "truncated", "journal truncated"})
    void aMapFileChangedUnderALiveProcessFailsTypedAndItsAdviceBringsEveryEntryBack(String damage) throws IOException {
        Path data = dir.resolve("data");
        Path mapFile = data.resolve("s").resolve("map.dat");
        CorruptStoreException failed;
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            for (int i = 0; i < ENTRIES; i++) {
                s.put("k" + i, "v" + i);
            }
            Path changed = damage.startsWith("journal") ? resolve(data.resolve("s"), "journal/*.cq4") : mapFile;
            try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(changed,
                    java.nio.file.StandardOpenOption.WRITE)) {
                if (damage.endsWith("truncated")) {
                    file.truncate(4096);
                } else {
                    byte[] ones = new byte[1 << 16];
                    java.util.Arrays.fill(ones, (byte) 0xFF);
                    for (long at = 0; at < file.size(); at += ones.length) {
                        file.write(java.nio.ByteBuffer.wrap(ones), at);
                    }
                }
            }
            failed = org.junit.jupiter.api.Assertions.assertThrows(CorruptStoreException.class, damage.startsWith("journal")
                    ? () -> s.put("after", "damage") : () -> s.get("k7"));
        }
        String advice = failed.getMessage();
        for (int hop = 0; ; hop++) {
            Outcome followed = follow(data, advice);
            if (followed.code() == 0) {
                break;
            }
            assertEquals(Main.STORE_ERROR, followed.code(), advice + " -> " + followed.err());
            assertTrue(hop < 2, "the advice leads somewhere within three commands: " + followed.err());
            advice = followed.err();
        }
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            for (int i = 0; i < ENTRIES; i++) {
                assertEquals("v" + i, s.get("k" + i), "k" + i + " after map.dat " + damage);
            }
            assertEquals(ENTRIES, s.size());
        }
        assertEquals(0, cli(data, "verify", "s").code(), "verify after the advice was followed");
    }

    /**
     * A garbage journal cycle file, met as users run (child JVMs, without {@code -ea}): a reader
     * passes over an unreadable cycle as if it were empty, and a writer makes Chronicle rename it to
     * {@code *.discard} and start the cycle afresh. Either way the journal lost events, so
     * {@code verify} must not call the map's entries unexpected and advise {@code recover} (which
     * would delete them): it refuses, and its advice, followed as written, keeps every entry.
     */
    @org.junit.jupiter.api.Test
    void aGarbageJournalCycleIsRefusedByVerifyNotMendedAway() throws IOException {
        Path data = dir.resolve("data");
        fill(data);
        Path cycle = resolve(data.resolve("s"), "journal/*.cq4");
        byte[] garbage = new byte[1 << 16];
        new Random(5).nextBytes(garbage);
        Files.write(cycle, garbage);

        refusedWithoutRecover(data, "with the garbage cycle");
        int put;
        try (dev.statestore.testkit.ChildJvm child = dev.statestore.testkit.ChildJvm.cli(data, "put", "s", "after", "damage")) {
            put = child.waitFor(java.time.Duration.ofSeconds(60));
            assertTrue(put == 0 || put == Main.STORE_ERROR, "a put succeeds or fails typed: " + child.stderr());
        }
        refusedWithoutRecover(data, "after a writer met it");
        settle(data, null, "verify", "s");
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            for (int i = 0; i < ENTRIES; i++) {
                assertEquals("v" + i, s.get("k" + i), "k" + i);
            }
            assertEquals(put == 0 ? "damage" : null, s.get("after"));
        }
    }

    private static void refusedWithoutRecover(Path data, String when) {
        try (dev.statestore.testkit.ChildJvm verify = dev.statestore.testkit.ChildJvm.cli(data, "verify", "s")) {
            int code = verify.waitFor(java.time.Duration.ofSeconds(60));
            String err = verify.stderr();
            assertEquals(Main.STORE_ERROR, code, when + ": " + err);
            assertTrue(err.contains("statestore checkpoint s") && !err.contains("statestore recover"),
                    when + ": advises checkpoint, never recover (which would delete entries): " + err);
        }
    }

    /**
     * A store without a journal whose map file is damaged: the error's advice (move the store aside,
     * restore the backup), followed as written with the backup's directory, brings the backed-up
     * entries back.
     */
    @org.junit.jupiter.api.Test
    void aStoreWithoutJournalIsRestoredFromItsBackupAsTheErrorSays() throws IOException {
        Path data = dir.resolve("data");
        Path backups = dir.resolve("backups");
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class,
                    MapOptions.builder().journal(false).build());
            for (int i = 0; i < ENTRIES; i++) {
                s.put("k" + i, "v" + i);
            }
        }
        assertEquals(0, cli(data, "backup", "s", backups.toString()).code());
        Path mapFile = data.resolve("s").resolve("map.dat");
        byte[] garbage = new byte[1 << 16];
        new Random(7).nextBytes(garbage);
        Files.write(mapFile, garbage);

        Outcome failed = cli(data, "get", "s", "k7");
        assertEquals(Main.STORE_ERROR, failed.code(), failed.err());
        Matcher aside = SET_ASIDE.matcher(failed.err());
        Matcher restore = Pattern.compile("'statestore restore DIR/s' with DIR the directory given to 'statestore backup'")
                .matcher(failed.err());
        assertTrue(failed.err().contains("map.dat") && aside.find() && restore.find(), failed.err());
        Path storeDir = Path.of(aside.group(1));
        Files.move(storeDir, storeDir.resolveSibling("s.damaged"));
        Outcome restored = cli(data, "restore", backups.resolve("s").toString());
        assertEquals(0, restored.code(), restored.err() + restored.out());
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            for (int i = 0; i < ENTRIES; i++) {
                assertEquals("v" + i, s.get("k" + i), "k" + i);
            }
        }
    }

    /** A journal Chronicle cannot open: the error's advice, followed as written, keeps every entry. */
    @org.junit.jupiter.api.Test
    void aJournalThatCannotBeOpenedIsSetAsideAndTheMapCheckpointed() throws IOException {
        Path data = dir.resolve("data");
        fill(data);
        Path journal = data.resolve("s").resolve("journal");
        byte[] garbage = new byte[1 << 16];
        new Random(3).nextBytes(garbage);
        Files.write(resolve(data.resolve("s"), "journal/*metadata.cq4t"), garbage);

        Outcome failed = cli(data, "put", "s", "after", "damage");
        assertEquals(Main.STORE_ERROR, failed.code(), failed.err());
        assertTrue(failed.err().contains("move " + journal + " aside, then run 'statestore checkpoint s'"), failed.err());
        Files.move(journal, journal.resolveSibling("journal.damaged"));
        Outcome checkpoint = cli(data, "checkpoint", "s");
        assertEquals(0, checkpoint.code(), checkpoint.err());
        assertEquals(0, cli(data, "put", "s", "after", "damage").code());
        Outcome verify = cli(data, "verify", "s");
        assertEquals(0, verify.code(), verify.err());
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            assertEquals(ENTRIES + 1, s.size());
            assertEquals("v7", s.get("k7"));
        }
    }

    /** Store "s" in {@code data} with ENTRIES entries k0 -> v0, ..., closed again. */
    private static void fill(Path data) {
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            for (int i = 0; i < ENTRIES; i++) {
                s.put("k" + i, "v" + i);
            }
        }
    }

    /**
     * {@code file} in {@code storeDir}; a name {@code *.ext} (or {@code *name}) in a folder is its one
     * file, at any depth below it, whose name ends so (each writer process has a journal queue of its own).
     */
    private static Path resolve(Path storeDir, String file) throws IOException {
        if (!file.contains("*")) {
            return storeDir.resolve(file);
        }
        Path folder = storeDir.resolve(file.substring(0, file.indexOf('/')));
        String ext = file.substring(file.indexOf('*') + 1);
        try (var files = Files.walk(folder)) {
            List<Path> matching = files.filter(p -> p.getFileName().toString().endsWith(ext)).toList();
            assertEquals(1, matching.size(), "one " + file + ": " + matching);
            return matching.get(0);
        }
    }

    /**
     * Runs {@code args}; when it fails, it must fail as a store error naming {@code named} (when not
     * null) and suggesting one command, which run as written succeeds, and then {@code args} again.
     */
    private static void settle(Path data, String named, String... args) {
        Outcome first = cli(data, args);
        if (first.code() == 0) {
            return;
        }
        assertEquals(Main.STORE_ERROR, first.code(), first.err());
        assertTrue(named == null || first.err().contains(named), "names " + named + ": " + first.err());
        Outcome fixed = follow(data, first.err());
        assertEquals(0, fixed.code(), "as the error suggests (" + first.err() + "): " + fixed.err() + fixed.out());
        Outcome again = cli(data, args);
        assertEquals(0, again.code(), String.join(" ", args) + " after following " + first.err() + ": " + again.err());
    }

    /**
     * Does what {@code advice} says, as written: its first suggested command, after moving aside
     * what it says to move aside first ("move DIR aside, then run '...'").
     */
    private static Outcome follow(Path data, String advice) {
        Matcher m = SUGGESTED.matcher(advice);
        assertTrue(m.find(), "suggests a command: " + advice);
        Matcher aside = SET_ASIDE.matcher(advice);
        if (aside.find() && aside.end() == m.start(1)) {
            Path moved = Path.of(aside.group(1));
            try {
                Files.move(moved, moved.resolveSibling(moved.getFileName() + ".damaged"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        List<String> fix = new ArrayList<>(List.of(m.group(1).split(" ")));
        fix.remove(0); // "statestore"
        return cli(data, fix.toArray(String[]::new));
    }

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome cli(Path data, String... args) {
        List<String> all = new ArrayList<>(List.of("--data", data.toString()));
        all.addAll(List.of(args));
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(all.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
