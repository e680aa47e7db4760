package dev.statestore.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * CPU time per operation of a single-threaded benchmark, for a machine shared with other work: the
 * throughput JMH reports counts wall time, which other processes' load moves by a factor of several
 * from one run to the next here, while the CPU time the measuring thread spends per operation moves
 * far less. A benchmark calls {@link #start} at each iteration's setup and {@link #op} per
 * operation, and {@link #report} at the iteration's teardown prints one line to the run's output:
 * {@code cpu <benchmark> <params> <iteration kind> <n>: <ns> ns/op}. Iteration-level helpers run on
 * the measuring thread (one thread: {@code -t 1}).
 */
final class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long startNanos;
    private long ops;
    private int iteration;

    void start() {
        ops = 0;
        startNanos = THREADS.getCurrentThreadCpuTime();
    }

    void op() {
        ops++;
    }

    void report(BenchmarkParams benchmark, IterationParams kind) {
        long cpu = THREADS.getCurrentThreadCpuTime() - startNanos;
        String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
        StringBuilder params = new StringBuilder();
        for (String key : benchmark.getParamsKeys()) {
            if (!key.equals("dir")) {
                params.append(key).append('=').append(benchmark.getParam(key)).append(' ');
            }
        }
        iteration++;
        System.out.printf(Locale.ROOT, "cpu %s %s%s %d: %.1f ns/op (%d ops)%n", name, params,
                kind.getType().toString().toLowerCase(Locale.ROOT), iteration, ops == 0 ? Double.NaN : (double) cpu / ops, ops);
    }
}
