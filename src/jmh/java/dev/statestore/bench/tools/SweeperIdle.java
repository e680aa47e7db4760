package dev.statestore.bench.tools;

import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * What an idle cache costs in sweeping: fills a store bounded at {@code entries} (no TTLs) with
 * that many {@code String -> byte[100]} entries, waits 2 s, then prints the CPU time its sweeper
 * thread used over the next 10 s. Usage: {@code SweeperIdle DATA_DIR [ENTRIES]}.
 */
public final class SweeperIdle {
    private SweeperIdle() {
    }

    public static void main(String[] args) throws InterruptedException {
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        try (StateStore store = StateStore.open(Path.of(args[0]))) {
            StoreMap<String, byte[]> cache = store.map("idle", String.class, byte[].class,
                    MapOptions.builder().maxEntries(entries).averageKeySize(14).averageValueSize(100).build());
            byte[] value = new byte[100];
            for (int i = 0; i < entries; i++) {
                cache.put(String.format("key-%010d", i), value);
            }
            Thread.sleep(2_000);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long id = -1;
            for (ThreadInfo t : threads.dumpAllThreads(false, false)) {
                if (t.getThreadName().startsWith("statestore-sweeper-")) {
                    id = t.getThreadId();
                }
            }
            if (id < 0) {
                throw new IllegalStateException("no sweeper thread: is -Dstatestore.sweepIntervalMillis=0 set?");
            }
            long before = threads.getThreadCpuTime(id);
            Thread.sleep(10_000);
            long used = threads.getThreadCpuTime(id) - before;
            System.out.printf("sweeper thread CPU over 10 s idle, %,d entries: %.1f ms (%.2f %% of a core)%n",
                    entries, used / 1e6, used / 1e6 / 100);
        }
    }
}
