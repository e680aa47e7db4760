package dev.statestore.jcache;

import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;

/**
 * A cache's {@link ExpiryPolicy} as absolute deadlines (epoch milliseconds, {@link CacheValue#ETERNAL}
 * for never), with the spec's answers when the policy fails: a creation it cannot time is eternal,
 * an update or access it cannot time leaves the deadline as it was.
 */
final class ExpiryDeadlines {
    private final ExpiryPolicy policy;
    private final boolean eternal;

    ExpiryDeadlines(ExpiryPolicy policy) {
        this.policy = policy;
        this.eternal = policy instanceof EternalExpiryPolicy;
    }

    ExpiryPolicy policy() {
        return policy;
    }

    /** Whether entries never expire ({@link EternalExpiryPolicy}): then no access or update changes a deadline. */
    boolean eternal() {
        return eternal;
    }

    /** The deadline of an entry created at {@code now}; at or before {@code now}: the entry is not kept. */
    long creation(long now) {
        Duration d;
        try {
            d = policy.getExpiryForCreation();
        } catch (Throwable t) {
            d = Duration.ETERNAL;
        }
        return d == null ? CacheValue.ETERNAL : d.getAdjustedTime(now);
    }

    /** The deadline of an entry updated at {@code now} whose deadline was {@code current}. */
    long update(long current, long now) {
        try {
            Duration d = policy.getExpiryForUpdate();
            return d == null ? current : d.getAdjustedTime(now);
        } catch (Throwable t) {
            return current;
        }
    }

    /** The deadline of an entry read at {@code now} whose deadline was {@code current}. */
    long access(long current, long now) {
        if (eternal) {
            return current;
        }
        try {
            Duration d = policy.getExpiryForAccess();
            return d == null ? current : d.getAdjustedTime(now);
        } catch (Throwable t) {
            return current;
        }
    }
}
