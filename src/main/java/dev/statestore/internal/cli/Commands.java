package dev.statestore.internal.cli;

import dev.statestore.Codec;
import dev.statestore.MapOptions;
import dev.statestore.StoreInfo;
import dev.statestore.StoreMap;
import dev.statestore.internal.map.DefaultStateStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** The data commands: ls, put, get, rm, dump, load. */
public final class Commands {
    private Commands() {
    }

    /** Base of the commands: the parent's options and the output streams. */
    public abstract static class Base implements Callable<Integer> {
        @ParentCommand
        public Main main;

        @Spec
        public CommandSpec spec;

        protected PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** A store opened with the types its metadata names. */
        static StoreMap<Object, Object> existing(DefaultStateStore store, String name) {
            return store.existing(name);
        }

        /** The store, created as String -> String when it does not exist yet. */
        static StoreMap<Object, Object> existingOrNew(DefaultStateStore store, String name) {
            if (store.metadata(name) == null) {
                store.map(name, String.class, String.class, MapOptions.defaults());
            }
            return store.existing(name);
        }
    }

    @Command(name = "ls", description = "List the stores: name, types, entries, capacity, fill, file bytes, attached PIDs.")
    static final class Ls extends Base {
        @Override
        public Integer call() {
            try (DefaultStateStore store = main.openStore()) {
                PrintWriter out = out();
                String format = "%-24s %-8s %-8s %10s %10s %6s %12s  %s%n";
                out.printf(format, "NAME", "KEY", "VALUE", "ENTRIES", "CAPACITY", "FILL", "BYTES", "PIDS");
                for (StoreInfo info : store.stores()) {
                    String pids = info.attached().stream().map(p -> Long.toString(p.pid())).distinct()
                            .collect(Collectors.joining(","));
                    out.printf(format, info.name(), info.keyCodec(), info.valueCodec(), info.entries(), info.capacity(),
                            String.format("%.1f%%", info.fillRatio() * 100), info.fileBytes(), pids.isEmpty() ? "-" : pids);
                }
                out.flush();
                return Main.OK;
            }
        }
    }

    @Command(name = "put", description = "Put KEY -> VALUE into STORE (created as text -> text if new).")
    static final class Put extends Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;
        @Parameters(index = "1", paramLabel = "KEY")
        String key;
        @Parameters(index = "2", paramLabel = "VALUE")
        String value;
        @picocli.CommandLine.Option(names = "--ttl", paramLabel = "D",
                description = "time to live: 500ms, 30s, 5m, 2h, 1d or ISO-8601 (PT30S); a new store is created with"
                        + " per-entry TTL")
        String ttl;

        @Override
        public Integer call() {
            return put(main, storeName, key, value, ttl == null ? null : parseDuration(ttl));
        }

        /** {@code put}, also run by {@link FastPath}; {@code duration} null: no TTL. */
        static int put(Main main, String storeName, String key, String value, java.time.Duration duration) {
            try (DefaultStateStore store = main.openStore()) {
                if (duration != null && store.metadata(storeName) == null) {
                    store.map(storeName, String.class, String.class, MapOptions.builder().perEntryTtl(true).build());
                }
                StoreMap<Object, Object> map = existingOrNew(store, storeName);
                Object k = Rendering.parse(map.keyCodec(), key, "key");
                Object v = Rendering.parse(map.valueCodec(), value, "value");
                if (duration == null) {
                    map.put(k, v);
                } else {
                    try {
                        map.put(k, v, duration);
                    } catch (UnsupportedOperationException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                return Main.OK;
            }
        }

        static java.time.Duration parseDuration(String text) {
            java.time.Duration d = dev.statestore.internal.config.Durations.parsePositive(text);
            if (d != null) {
                return d;
            }
            throw new UsageException("--ttl must be a positive duration such as 500ms, 30s, 5m, 2h, 1d or PT30S, was '"
                    + text + "'");
        }
    }

    @Command(name = "get", description = "Print the value of KEY in STORE; exit 1 when absent.")
    static final class Get extends Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;
        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            return get(main, storeName, key, out(), spec.commandLine().getErr());
        }

        /** {@code get}, also run by {@link FastPath}. */
        static int get(Main main, String storeName, String key, PrintWriter out, PrintWriter err) {
            try (DefaultStateStore store = main.openStore()) {
                StoreMap<Object, Object> map = existing(store, storeName);
                Object value = map.get(Rendering.parse(map.keyCodec(), key, "key"));
                if (value == null) {
                    err.println("statestore: no key '" + key + "' in store '" + storeName + "'");
                    return Main.NOT_FOUND;
                }
                out.println(Rendering.toText(map.valueCodec(), value));
                out.flush();
                return Main.OK;
            }
        }
    }

    @Command(name = "rm", description = "Remove KEY from STORE; exit 1 when absent.")
    static final class Rm extends Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;
        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            return rm(main, storeName, key, spec.commandLine().getErr());
        }

        /** {@code rm}, also run by {@link FastPath}. */
        static int rm(Main main, String storeName, String key, PrintWriter err) {
            try (DefaultStateStore store = main.openStore()) {
                StoreMap<Object, Object> map = existing(store, storeName);
                if (map.remove(Rendering.parse(map.keyCodec(), key, "key")) == null) {
                    err.println("statestore: no key '" + key + "' in store '" + storeName + "'");
                    return Main.NOT_FOUND;
                }
                return Main.OK;
            }
        }
    }

    @Command(name = "dump", description = "Write every entry of STORE to stdout as NDJSON: {\"key\":...,\"value\":...}.")
    static final class Dump extends Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Override
        public Integer call() throws IOException {
            try (DefaultStateStore store = main.openStore()) {
                StoreMap<Object, Object> map = existing(store, storeName);
                PrintWriter out = out();
                for (Map.Entry<Object, Object> e : map.entrySet()) {
                    ObjectNode line = Rendering.json().createObjectNode();
                    line.set("key", Rendering.toJson(map.keyCodec(), e.getKey()));
                    line.set("value", Rendering.toJson(map.valueCodec(), e.getValue()));
                    out.println(Rendering.json().writeValueAsString(line));
                }
                out.flush();
                return Main.OK;
            }
        }
    }

    @Command(name = "load", description = "Put every NDJSON line of stdin ({\"key\":...,\"value\":...}) into STORE"
            + " (created as text -> text if new).")
    static final class Load extends Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Override
        public Integer call() throws IOException {
            try (DefaultStateStore store = main.openStore()) {
                StoreMap<Object, Object> map = existingOrNew(store, storeName);
                Codec<?> keys = map.keyCodec();
                Codec<?> values = map.valueCodec();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                long lineNo = 0;
                long loaded = 0;
                for (String line; (line = in.readLine()) != null; ) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node;
                    try {
                        node = Rendering.json().readTree(line);
                    } catch (IOException e) {
                        throw new UsageException("stdin line " + lineNo + " is not JSON (" + loaded + " entries loaded before it)");
                    }
                    if (!node.isObject() || !node.has("key") || !node.has("value")) {
                        throw new UsageException("stdin line " + lineNo + " must be {\"key\":...,\"value\":...} ("
                                + loaded + " entries loaded before it)");
                    }
                    map.put(Rendering.fromJson(keys, node.get("key"), "line " + lineNo + " key"),
                            Rendering.fromJson(values, node.get("value"), "line " + lineNo + " value"));
                    loaded++;
                }
                spec.commandLine().getErr().println("loaded " + loaded + " entries into '" + storeName + "'");
                return Main.OK;
            }
        }
    }
}
