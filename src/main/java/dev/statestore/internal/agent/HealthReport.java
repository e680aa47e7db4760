package dev.statestore.internal.agent;

import dev.statestore.StoreInfo.AttachedProcess;
import dev.statestore.StoreStats;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.function.LongPredicate;

/**
 * The JSON shape of store-wide figures: one object per store, as {@code /health} lists them and
 * {@code statestore stats --json} prints one.
 */
public final class HealthReport {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HealthReport() {
    }

    /**
     * One store.
     *
     * @param listedPid which attached PIDs to list (e.g. all but the reporting command's own)
     */
    public static ObjectNode store(StoreStats s, LongPredicate listedPid) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", s.name());
        n.put("keyType", s.keyType());
        n.put("valueType", s.valueType());
        n.put("entries", s.entries());
        n.put("capacity", s.capacity());
        n.put("fillRatio", s.fillRatio());
        n.put("fileBytes", s.fileBytes());
        n.put("lockStripes", s.stripes());
        n.put("lockTakeovers", s.lockTakeovers());
        n.put("processDeaths", s.processDeaths());
        ArrayNode attached = n.putArray("attachedProcesses");
        for (AttachedProcess p : attachedListed(s.attached(), listedPid)) {
            ObjectNode a = attached.addObject();
            a.put("pid", p.pid());
            a.put("host", p.host());
            a.put("startTime", p.startTime().toString());
            a.put("attachTime", p.attachTime().toString());
        }
        if (s.journal() == null) {
            n.putNull("journal");
        } else {
            ObjectNode j = n.putObject("journal");
            j.put("lastSequence", s.journal().lastSequence());
            j.put("entries", s.journal().events());
            ArrayNode subs = j.putArray("subscriptions");
            for (StoreStats.SubscriptionStats sub : s.journal().subscriptions()) {
                subs.addObject().put("name", sub.name()).put("position", sub.position()).put("lag", sub.lag());
            }
        }
        return n;
    }

    /** The attached processes to show, one per PID (a process may attach several times). */
    public static List<AttachedProcess> attachedListed(List<AttachedProcess> attached, LongPredicate listedPid) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        return attached.stream().filter(p -> listedPid.test(p.pid()) && seen.add(p.pid())).toList();
    }
}
