package dev.statestore.bench.tools;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a JFR recording's CPU samples are: {@code JfrTop FILE.jfr [THREAD_PREFIX] [N]}. Prints the
 * top N methods by self time (the frame on top of the stack) and by total time (anywhere on the
 * stack), as shares of the execution samples of threads whose name starts with THREAD_PREFIX
 * (default: every thread). Frames of the JMH harness are left out of the totals. Stack traces in
 * JFR are cut at 64 frames by default, so "total" shares
 * of frames near the bottom of deep stacks are lower bounds.
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        String prefix = args.length > 1 ? args[1] : "";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
            if (thread == null || !thread.startsWith(prefix)) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (!harness(f) && seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples of threads '%s*'%n", file.getFileName(), samples, prefix);
        print("self", self, samples, top);
        print("total (on the stack)", total, samples, top);
    }

    /** Frames every sample has (JMH, thread start, reflection): left out of the totals. */
    private static boolean harness(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        String type = m == null || m.getType() == null ? "" : m.getType().getName();
        return type.startsWith("org.openjdk.jmh.") || type.contains("_jmhTest") || type.startsWith("java.lang.reflect.")
                || type.startsWith("jdk.internal.reflect.") || type.startsWith("java.util.concurrent.ThreadPoolExecutor")
                || type.equals("java.lang.Thread") || type.startsWith("java.util.concurrent.FutureTask");
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "?";
        }
        String type = m.getType() == null ? "?" : m.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.println("  top " + top + " by " + title + ":");
        counts.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n",
                        100.0 * en.getValue() / Math.max(1, samples), en.getKey()));
    }
}
