package dev.statestore.internal.cli;

import dev.statestore.ChangeEvent;
import dev.statestore.RecoveryReport;
import dev.statestore.StoreMap;
import dev.statestore.VerifyReport;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.JournalReader;
import dev.statestore.internal.journal.RawEvent;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.Backoff;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;

/** The journal and repair commands: tail, verify, recover. */
final class JournalCommands {
    private JournalCommands() {
    }

    @Command(name = "tail", description = "Print the journal of STORE as NDJSON events: seq, time, type, key, value, pid.")
    static final class Tail extends Commands.Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Option(names = "--from", paramLabel = "start|end|SEQ", defaultValue = "start",
                description = "Where to begin: start, end, or after the sequence SEQ (default: ${DEFAULT-VALUE}).")
        String from;

        @Option(names = "--follow", description = "Keep waiting for new events (until killed).")
        boolean follow;

        @Override
        public Integer call() throws IOException {
            long after = -1;
            if (!from.equals("start") && !from.equals("end")) {
                try {
                    after = Long.parseLong(from);
                } catch (NumberFormatException e) {
                    throw new UsageException("--from must be start, end or a sequence number, was '" + from + "'");
                }
            }
            try (DefaultStateStore store = main.openStore()) {
                StoreMap<Object, Object> map = store.existing(storeName);
                Journal journal = store.journal(storeName);
                if (journal == null) {
                    throw new UsageException("store '" + storeName + "' has no journal (created with journal=false)");
                }
                PrintWriter out = out();
                dev.statestore.Codec<Object> eventValues = store.eventValueCodec(storeName);
                try (JournalReader tailer = journal.reader()) {
                    if (from.equals("end")) {
                        tailer.toEnd();
                    } else if (after >= 0) {
                        tailer.positionAfter(after);
                    }
                    for (int round = 0; ; ) {
                        RawEvent raw = tailer.next();
                        if (raw == null) {
                            out.flush();
                            if (!follow) {
                                return Main.OK;
                            }
                            round = Backoff.SUBSCRIBER.idle(round);
                            continue;
                        }
                        round = 0;
                        if (raw.sequence() <= after) {
                            continue;
                        }
                        out.println(render(raw.decode(map.keyCodec(), eventValues), map));
                        if (follow) {
                            out.flush();
                        }
                    }
                }
            }
        }

        private static String render(ChangeEvent<Object, Object> e, StoreMap<Object, Object> map) throws IOException {
            ObjectNode line = Rendering.json().createObjectNode();
            line.put("seq", e.sequence());
            line.put("time", e.time().toString());
            line.put("type", e.type().name());
            line.set("key", Rendering.toJson(map.keyCodec(), e.key()));
            if (e.value() != null) {
                line.set("value", Rendering.toJson(map.valueCodec(), e.value()));
            }
            line.put("pid", e.writerPid());
            return Rendering.json().writeValueAsString(line);
        }
    }

    @Command(name = "verify", description = "Replay the journal of STORE and compare it with the map: exit 0 when"
            + " they agree, 3 with a summary of the differences when not.")
    static final class Verify extends Commands.Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Override
        public Integer call() {
            try (DefaultStateStore store = main.openStore()) {
                VerifyReport report = store.admin().verify(storeName);
                if (report.clean()) {
                    out().println(report.summary());
                    out().flush();
                    return Main.OK;
                }
                spec.commandLine().getErr().println("statestore: " + report.summary() + ": if no writer was running,"
                        + " run 'statestore recover " + storeName + "' to set the map to the journal's state");
                return Main.STORE_ERROR;
            }
        }
    }

    @Command(name = "recover", description = "Repair what crashed processes left in STORE (safe while others are"
            + " attached) and print what was found and fixed; exit 3 if map and journal still disagree.")
    static final class Recover extends Commands.Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Override
        public Integer call() {
            try (DefaultStateStore store = main.openStore()) {
                RecoveryReport report = store.admin().recover(storeName);
                report.lines().forEach(out()::println);
                out().flush();
                return report.clean() ? Main.OK : Main.STORE_ERROR;
            }
        }
    }

    @Command(name = "checkpoint", description = "Snapshot STORE at its journal's last sequence (writers pause for the"
            + " copy), then delete journal cycles its retention allows.")
    static final class CheckpointCmd extends Commands.Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Override
        public Integer call() {
            try (DefaultStateStore store = main.openStore()) {
                out().println(store.admin().checkpoint(storeName).summary());
                out().flush();
                return Main.OK;
            }
        }
    }

    @Command(name = "rebuild", description = "Recreate the map file of STORE from its latest checkpoint and the journal"
            + " after it (no process may be attached); the old file is kept beside it.")
    static final class Rebuild extends Commands.Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Override
        public Integer call() {
            try (DefaultStateStore store = main.openStore()) {
                out().println(store.admin().rebuild(storeName).summary());
                out().flush();
                return Main.OK;
            }
        }
    }

    @Command(name = "compact", description = "Rewrite the map file of STORE sized for --entries N (default: its live"
            + " entries plus a quarter) and record the sizing in store.json; no process may be attached.")
    static final class Compact extends Commands.Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @picocli.CommandLine.Option(names = "--entries", paramLabel = "N",
                description = "entries the rewritten store is sized for (it may still grow maxGrowth times)")
        long entries;

        @Override
        public Integer call() {
            if (entries < 0) {
                throw new UsageException("--entries must be positive, was " + entries);
            }
            try (DefaultStateStore store = main.openStore()) {
                out().println(store.admin().compact(storeName, entries).summary());
                out().flush();
                return Main.OK;
            }
        }
    }
}
