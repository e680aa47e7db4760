package dev.statestore.internal.cli;

import dev.statestore.Position;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 7, privacy: every file statestore creates is 0600 and every directory 0700, whatever
 * the umask, checked after each command that writes, over the data directory and the backups.
 */
class FileModesTest {
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

    @TempDir
    Path dir;

    @Test
    void everyFileAndDirectoryACommandCreatesIsPrivate() throws Exception {
        Path data = dir.resolve("data");
        Path backups = dir.resolve("backups");
        String[][] commands = {
            {"put", "s", "k", "v"},
            {"put", "t", "k", "v", "--ttl", "1h"},
            {"checkpoint", "s"},
            {"compact", "s"},
            {"rebuild", "s"},
            {"recover", "s"},
            {"backup", "s", backups.resolve("s").toString()},
            {"restore", backups.resolve("s").resolve("s").toString(), "--as", "s2"},
            {"rm", "s", "k"},
        };
        for (String[] command : commands) {
            List<String> args = new ArrayList<>(List.of("--data", data.toString()));
            args.addAll(List.of(command));
            assertEquals(0, Main.run(args.toArray(String[]::new)), String.join(" ", command));
            assertPrivate(dir, String.join(" ", command));
        }
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("{\"key\":\"a\",\"value\":\"b\"}\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, Main.run("--data", data.toString(), "load", "l"));
        } finally {
            System.setIn(stdin);
        }
        assertPrivate(dir, "load");
        // a named subscription's position file, and the journal's next cycle files
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> s = store.map("s", String.class, String.class);
            try (Subscription sub = s.subscribe(Position.named("reader"), event -> { })) {
                s.put("after", "subscribe");
            }
        }
        assertPrivate(dir, "a named subscription");
    }

    private static void assertPrivate(Path root, String after) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(p -> !p.equals(root)).forEach(p -> {
                try {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
                    if (!mode.equals(Files.isDirectory(p) ? DIR : FILE)) {
                        open.add(root.relativize(p) + " " + PosixFilePermissions.toString(mode));
                    }
                } catch (IOException e) {
                    open.add(root.relativize(p) + " unreadable: " + e);
                }
            });
        }
        assertTrue(open.isEmpty(), "after '" + after + "', not private: " + open);
    }
}
