package dev.statestore;

import java.util.Objects;

/**
 * How a subscription waits for new events and handles a listener that throws.
 *
 * <pre>{@code
 * SubscribeOptions.builder().waitStrategy(WaitStrategy.BUSY_SPIN).build()
 * }</pre>
 */
public final class SubscribeOptions {
    private static final SubscribeOptions DEFAULTS = builder().build();

    private final WaitStrategy waitStrategy;
    private final ErrorHandler errorHandler;

    private SubscribeOptions(Builder b) {
        this.waitStrategy = b.waitStrategy != null ? b.waitStrategy : WaitStrategy.PARK;
        this.errorHandler = b.errorHandler != null ? b.errorHandler : ErrorHandler.LOG_AND_CONTINUE;
    }

    /** Parking waits, errors logged and skipped. */
    public static SubscribeOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /** How the subscription's thread waits when it has read every event. */
    public enum WaitStrategy {
        /** Spin on a core: the lowest latency (microseconds), a whole core used. */
        BUSY_SPIN,
        /** Spin, yielding the core to other threads between checks. */
        YIELD,
        /**
         * Spin briefly, then park for growing intervals up to 200 us while events keep coming (an
         * event waits ~0.25 ms at most), and 1 ms once none came for ~0.1 s: a few percent of a
         * core, sub-millisecond wake-up.
         */
        PARK
    }

    /** Decides what happens when the listener throws. */
    @FunctionalInterface
    public interface ErrorHandler {
        /** Logs the error (through SLF4J) and goes on with the next event. */
        ErrorHandler LOG_AND_CONTINUE = (event, error) -> {
            org.slf4j.LoggerFactory.getLogger(Subscription.class)
                    .warn("listener failed on event {} of {}; continuing", event.sequence(), event.key(), error);
            return true;
        };

        /**
         * @return true to go on with the next event, false to stop the subscription (the failed
         *     event then counts as not delivered: a named subscription sees it again when resubscribed)
         */
        boolean onError(ChangeEvent<?, ?> event, Throwable error);
    }

    /** Builds {@link SubscribeOptions}; each option may be set once. */
    public static final class Builder {
        private WaitStrategy waitStrategy;
        private ErrorHandler errorHandler;

        private Builder() {
        }

        public Builder waitStrategy(WaitStrategy strategy) {
            if (waitStrategy != null) {
                throw new IllegalStateException("waitStrategy was already set to " + waitStrategy);
            }
            this.waitStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        public Builder errorHandler(ErrorHandler handler) {
            if (errorHandler != null) {
                throw new IllegalStateException("errorHandler was already set");
            }
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        public SubscribeOptions build() {
            return new SubscribeOptions(this);
        }
    }
}
