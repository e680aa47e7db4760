package dev.statestore.internal.replication;

import dev.statestore.MapOptions;
import dev.statestore.Position;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;
import dev.statestore.testkit.KafkaBroker;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Replication figures, on demand only (never in the pass/fail path of {@code mvn test}):
 * <pre>
 * mvn -o test -Dtest=ReplicationBenchmark -Dstatestore.bench.replication=true
 *     [-Dstatestore.bench.rate=10000 -Dstatestore.bench.warmup=10 -Dstatestore.bench.seconds=10
 *      -Dstatestore.bench.entries=1000000 -Dstatestore.bench.missed=100000]
 * </pre>
 * Lag: changes written on host A at a fixed rate, each value its System.nanoTime(), read by a
 * subscription on host B's journal in this JVM (writer and reader share the clock); measured over
 * {@code seconds} after {@code warmup} seconds at the same rate, whose figures are printed apart as
 * "cold" (the agents' first seconds: on a 2-core machine their JIT compilers, the broker's and this
 * JVM's take most of the CPU then, and B's applier falls behind by up to a second). Catch-up: B's
 * agent killed, A writes the missed changes, B restarted: time until B has them all, against a new
 * host C restoring the whole store (entries + missed) from offset 0. Results on stdout.
 */
@EnabledIfSystemProperty(named = "statestore.bench.replication", matches = "true")
class ReplicationBenchmark {
    @TempDir
    Path dir;

    @Test
    void lagAndCatchUp() throws Exception {
        int rate = Integer.getInteger("statestore.bench.rate", 10_000);
        int seconds = Integer.getInteger("statestore.bench.seconds", 10);
        int warmup = Integer.getInteger("statestore.bench.warmup", 10);
        int entries = Integer.getInteger("statestore.bench.entries", 1_000_000); // 0: the lag only
        int missed = Integer.getInteger("statestore.bench.missed", 100_000);
        try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"));
             Host a = new Host(dir, "host-a", broker.bootstrapServers());
             Host b = new Host(dir, "host-b", broker.bootstrapServers());
             Host c = new Host(dir, "host-c", broker.bootstrapServers())) {
            StoreMap<String, String> onA = a.store().map("bench", String.class, String.class,
                    MapOptions.builder().entries(entries + missed + rate * (warmup + seconds)).averageKeySize(12).averageValueSize(16)
                            .build());
            a.startAgent();
            b.startAgent();
            onA.put("seed", "0");
            StoreMap<String, String> onB = b.map("bench");
            Host.await(() -> "0".equals(onB.get("seed")), Host.START, () -> "B never got the store");

            // lag at a fixed rate, and where it builds up: until A's agent sent the change (the record's CreateTime),
            // until a consumer in this JVM read it from the broker, until B's journal had it. The first `warmup` seconds
            // are reported apart ("cold"): the agents have just started, and their JIT compilers, with the broker's and
            // this JVM's, take most of a small machine's CPU then
            Stages cold = new Stages();
            Stages warm = new Stages();
            long wallMinusNano = System.currentTimeMillis() * 1_000_000L - System.nanoTime(); // nanoTime -> epoch nanos
            java.util.concurrent.atomic.AtomicLong measuredFrom = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
            java.util.concurrent.atomic.AtomicBoolean tailing = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.CountDownLatch tailerReady = new java.util.concurrent.CountDownLatch(1);
            Thread tailer = new Thread(() -> tail(broker.bootstrapServers(), "statestore.bench", tailing, tailerReady, r -> {
                String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                if (key.startsWith("lag-") && r.value() != null) {
                    long sent = Long.parseLong(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
                    Stages s = sent >= measuredFrom.get() ? warm : cold;
                    s.toConsumer.recordValue(Math.max(0, System.nanoTime() - sent));
                    s.toSend.recordValue(Math.max(0, r.timestamp() * 1_000_000L - (sent + wallMinusNano)));
                }
            }), "bench-topic-tailer");
            tailer.start();
            if (!tailerReady.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the topic tailer did not start");
            }
            int total = rate * (warmup + seconds);
            int[] seen = {0};
            long[] maxBySecond = new long[warmup + seconds + 1]; // the largest lag of the changes written in each second
            try (Subscription sub = onB.subscribe(Position.END, e -> {
                if (e.key().startsWith("lag-") && e.value() != null) {
                    long sent = Long.parseLong(e.value());
                    Stages s = sent >= measuredFrom.get() ? warm : cold;
                    long lagNanos = Math.max(0, System.nanoTime() - sent);
                    s.lag.recordValue(lagNanos);
                    int second = (int) Math.floorDiv(sent - measuredFrom.get(), 1_000_000_000L) + warmup;
                    if (second >= 0 && second < maxBySecond.length) {
                        maxBySecond[second] = Math.max(maxBySecond[second], lagNanos);
                    }
                    s.toJournal.recordValue(Math.max(0, e.timeNanos() - (sent + wallMinusNano)));
                    seen[0]++;
                }
            })) {
                // paced in batches of a millisecond's worth, parking in between: a writer spinning for its
                // pace would take a whole core from the broker and the agents on a small machine
                long start = System.nanoTime();
                measuredFrom.set(start + TimeUnit.SECONDS.toNanos(warmup));
                int perMilli = Math.max(1, rate / 1000);
                for (int i = 0; i < total; i++) {
                    if (i % perMilli == 0) {
                        long due = start + TimeUnit.MILLISECONDS.toNanos(i / perMilli);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    onA.put("lag-" + (i % 10_000), String.valueOf(System.nanoTime()));
                }
                Host.await(() -> seen[0] >= total, Duration.ofSeconds(120), () -> "B saw " + seen[0] + " of " + total);
            }
            tailing.set(false);
            tailer.join();
            System.out.printf("BENCH lag at %d changes/s for %d s after a warm-up of %d s (%d measured): p50 %.2f ms,"
                            + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", rate, seconds, warmup, warm.lag.getTotalCount(),
                    ms(warm.lag, 50), ms(warm.lag, 99), ms(warm.lag, 99.9), warm.lag.getMaxValue() / 1e6);
            System.out.println("BENCH stages: " + warm);
            System.out.println("BENCH largest lag of the changes written in each second, ms: "
                    + java.util.Arrays.stream(maxBySecond).limit(warmup + seconds).mapToObj(n -> String.valueOf(n / 1_000_000))
                            .collect(java.util.stream.Collectors.joining(" ")));
            System.out.printf("BENCH cold, the warm-up's %d s, the agents just started (%d changes): p50 %.2f ms, p99 %.2f ms,"
                    + " max %.2f ms; stages: %s%n", warmup, cold.lag.getTotalCount(), ms(cold.lag, 50), ms(cold.lag, 99),
                    cold.lag.getMaxValue() / 1e6, cold);

            if (entries == 0) {
                return;
            }
            // the store grows to `entries`, B follows
            for (int i = 0; i < entries; i++) {
                onA.put("e-" + i, "v" + i);
            }
            long expected = onA.size();
            Host.await(() -> onB.size() == expected, Duration.ofMinutes(10), () -> "B has " + onB.size() + " of " + expected);

            b.killAgent();
            for (int i = 0; i < missed; i++) {
                onA.put("e-" + i, "w" + i);
            }
            String last = "w" + (missed - 1);
            long restart = System.nanoTime();
            b.startAgent();
            Host.await(() -> last.equals(onB.get("e-" + (missed - 1))), Duration.ofMinutes(10), () -> "B never caught up");
            long catchUp = System.nanoTime() - restart;

            long restore = System.nanoTime();
            c.startAgent();
            StoreMap<String, String> onC = c.map("bench");
            Host.await(() -> last.equals(onC.get("e-" + (missed - 1))) && onC.size() == expected, Duration.ofMinutes(20),
                    () -> "C has " + onC.size() + " of " + expected);
            long restoreNanos = System.nanoTime() - restore;
            System.out.printf("BENCH restart catch-up after %d missed changes (store of %d entries): %.1f s (agent start"
                    + " included); new host restoring the whole topic from offset 0: %.1f s%n", missed, expected,
                    catchUp / 1e9, restoreNanos / 1e9);
        }
    }

    /** Where the lag of a window builds up; each histogram written by one thread. */
    private static final class Stages {
        final Histogram lag = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram toSend = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram toConsumer = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram toJournal = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

        @Override
        public String toString() {
            return String.format("A's agent sent it (CreateTime, ms resolution) p50 %.2f ms, p99 %.2f ms; read from the broker"
                            + " here p50 %.2f ms, p99 %.2f ms; written to B's journal (the event's time) p50 %.2f ms, p99 %.2f ms",
                    ms(toSend, 50), ms(toSend, 99), ms(toConsumer, 50), ms(toConsumer, 99), ms(toJournal, 50), ms(toJournal, 99));
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    /** Reads the topic from its end until {@code running} turns false, handing each record to {@code each}. */
    private static void tail(String bootstrap, String topic, java.util.concurrent.atomic.AtomicBoolean running,
                             java.util.concurrent.CountDownLatch ready,
                             java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> each) {
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(java.util.Map.of("bootstrap.servers", bootstrap),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            java.util.List<org.apache.kafka.common.TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // resolved now, before the writes
            ready.countDown();
            while (running.get()) {
                consumer.poll(Duration.ofMillis(100)).forEach(each);
            }
        }
    }
}
