package dev.statestore.internal.cli;

import dev.statestore.StoreInfo.AttachedProcess;
import dev.statestore.StoreStats;
import dev.statestore.internal.agent.HealthReport;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.ProcessIdentity;
import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code statestore stats STORE}: what is true of a store as a whole, from its shared files (like
 * LMDB's {@code mdb_stat}): entries and capacity, bytes, attached processes, lock takeovers, the
 * journal and how far behind each named subscription is. This command's own attachment is left out.
 */
@Command(name = "stats", description = "Print the store-wide figures of STORE: entries, capacity, fill, bytes,"
        + " attached processes, lock takeovers, journal length and the lag of each named subscription.")
final class StatsCommand extends Commands.Base {
    @Parameters(index = "0", paramLabel = "STORE")
    String storeName;

    @Option(names = "--json", description = "Print JSON (the shape of one store in the agent's /health).")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        try (DefaultStateStore store = main.openStore()) {
            StoreStats s = store.admin().stats(storeName);
            long self = ProcessIdentity.pid();
            PrintWriter out = out();
            if (json) {
                out.println(HealthReport.JSON.writeValueAsString(HealthReport.store(s, pid -> pid != self)));
            } else {
                print(s, self, out);
            }
            out.flush();
            return Main.OK;
        }
    }

    private static void print(StoreStats s, long self, PrintWriter out) {
        String row = "%-22s %s%n";
        out.printf(row, "store", s.name());
        out.printf(row, "types", s.keyType() + " -> " + s.valueType());
        out.printf(Locale.ROOT, "%-22s %d of %d (%.1f%% full)%n", "entries", s.entries(), s.capacity(), s.fillRatio() * 100);
        out.printf(row, "file bytes", s.fileBytes());
        out.printf(row, "lock stripes", s.stripes());
        out.printf(row, "lock takeovers", s.lockTakeovers() + " (stripes taken over from dead processes, all time)");
        out.printf(row, "process deaths", s.processDeaths() + " (processes that died attached, all time)");
        List<AttachedProcess> others = HealthReport.attachedListed(s.attached(), pid -> pid != self);
        out.printf(row, "attached processes", others.size() + (others.isEmpty() ? "" : ":"));
        for (AttachedProcess p : others) {
            out.printf("  pid %-10d host %-20s attached %s%n", p.pid(), p.host(), p.attachTime());
        }
        if (s.journal() == null) {
            out.printf(row, "journal", "none (created with journal=false)");
            return;
        }
        out.printf(row, "journal entries", s.journal().events());
        out.printf(row, "journal last sequence", s.journal().lastSequence());
        out.printf(row, "subscriptions", s.journal().subscriptions().size() + (s.journal().subscriptions().isEmpty() ? "" : ":"));
        if (!s.journal().subscriptions().isEmpty()) {
            out.printf("  %-24s %20s %12s%n", "NAME", "POSITION", "LAG");
            for (StoreStats.SubscriptionStats sub : s.journal().subscriptions()) {
                out.printf("  %-24s %20d %12d%n", sub.name(), sub.position(), sub.lag());
            }
        }
    }
}
