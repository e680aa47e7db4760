package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent.Origin;
import dev.statestore.ChangeType;
import dev.statestore.CorruptStoreException;
import dev.statestore.Durability;
import dev.statestore.JournalRoll;
import dev.statestore.StateStoreException;
import dev.statestore.StoreFullException;
import dev.statestore.internal.chronicle.ChronicleErrors;
import dev.statestore.internal.lock.StripeContext;
import dev.statestore.internal.chronicle.DeferredPosix;
import dev.statestore.internal.platform.FileModes;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.threads.LongPauser;
import net.openhft.chronicle.threads.TimingPauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.UnrecoverableTimeoutException;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The change journal of one store: a Chronicle Queue under {@code <store>/journal/}, shared by
 * every attached process. Events are appended while the changed key's segment is write-locked
 * (see {@link JournalingEntryOperations}), so for each key the journal's order is the map's order.
 * Each event's body follows {@link EventLayout}.
 *
 * <p>The queue is opened on first use, not by {@link #open}: building a Chronicle Queue costs
 * ~40 ms in a fresh JVM, and a process that only reads the map (the CLI's {@code get}, {@code
 * dump}, {@code ls}) never needs it. Whatever needs the queue opens it: an append, a reader, a
 * tailer, {@link #lastSequence}, {@link #readAt} (crash repair), {@link #retain}, or {@link
 * #ensureOpen}, which writers call before they take a stripe (and a store being created, whose
 * creator writes), so that the build does not run under a lock. After that, the queue is one
 * volatile read away; appends reach it through their per-thread appender. {@link #open} only
 * creates the journal directory.
 */
public final class Journal implements AutoCloseable {
    public static final String DIR_NAME = "journal";
    /**
     * Chronicle Queue's lock timeout: a writer that waits 1.5 times this long for the queue's write
     * lock takes it over if its holder is dead; an uncommitted entry a dead writer left is closed
     * off after the same time. Bounds the stall a kill -9 inside an append causes.
     */
    static final long QUEUE_TIMEOUT_MILLIS = 1000;
    private static final long APPEND_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * Fault injection for crash tests, {@code -Dstatestore.faults.haltInAppend=}: {@code beforeCommit}
     * halts a writer (as abruptly as kill -9) inside an append after the event's bytes are written and
     * its sequence is recorded in the stripe, before the entry is committed; {@code afterCommit} halts
     * it after the entry is committed and before the queue's write lock is released.
     */
    private static final String HALT_IN_APPEND = System.getProperty("statestore.faults.haltInAppend", "");

    private final String store;
    private final Path dir;
    private final Durability durability;
    private final JournalRoll roll;
    /** The roll cycles' clock (tests move it); null: Chronicle's. */
    private final net.openhft.chronicle.core.time.TimeProvider clock;
    /** Guards the queue's opening and closing (never taken once the queue is open). */
    private final Object openLock = new Object();
    /** Null until first use (see the class comment); written under {@link #openLock}. */
    private volatile SingleChronicleQueue queue;
    private final ThreadLocal<ExcerptAppender> appenders;
    private final List<ExcerptAppender> allAppenders = new ArrayList<>();
    private final ThreadLocal<ExcerptAppender> pendingSync = new ThreadLocal<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.LongAdder appends = new java.util.concurrent.atomic.LongAdder();
    /** The journal's disk space reserved ahead of the writers, and its files' mode. */
    private final JournalSpace space;

    private Journal(String store, Path dir, Durability durability, JournalRoll roll,
                    net.openhft.chronicle.core.time.TimeProvider clock, FileModes modes) {
        this.store = store;
        this.space = new JournalSpace(store, dir, modes);
        this.dir = dir;
        this.durability = durability;
        this.roll = roll;
        this.clock = clock;
        this.appenders = ThreadLocal.withInitial(this::newAppender);
    }

    /**
     * The journal of a store: creates its directory if needed; the queue itself is opened (created
     * if needed) on first use.
     */
    public static Journal open(String store, Path storeDir, Durability durability, JournalRoll roll, FileModes modes) {
        return open(store, storeDir, durability, roll, modes, null);
    }

    /** As above with a clock for the roll cycles (tests move it). */
    static Journal open(String store, Path storeDir, Durability durability, JournalRoll roll, FileModes modes,
                        net.openhft.chronicle.core.time.TimeProvider clock) {
        Path dir = storeDir.resolve(DIR_NAME);
        try {
            modes.createDirectories(dir);
        } catch (IOException e) {
            throw new StateStoreException("Store '" + store + "': cannot create its journal directory " + dir + " (" + e
                    + "): check the permissions and free space of the data directory", e);
        }
        return new Journal(store, dir, durability, roll, clock, modes);
    }

    /** Opens the queue now if it is not open yet (so that a caller about to take a lock builds it first). */
    public void ensureOpen() {
        queue();
    }

    /** Whether this instance has opened its queue (see the class comment); stays true once closed. */
    public boolean queueOpened() {
        return queue != null;
    }

    SingleChronicleQueue queue() {
        SingleChronicleQueue q = queue;
        return q != null ? q : openQueue();
    }

    private SingleChronicleQueue openQueue() {
        synchronized (openLock) {
            if (closed.get()) {
                throw new IllegalStateException("Store '" + store + "': its journal is closed");
            }
            SingleChronicleQueue q = queue;
            if (q == null) {
                q = buildQueue();
                queue = q;
            }
            return q;
        }
    }

    private SingleChronicleQueue buildQueue() {
        DeferredPosix.load(); // the queue's msync needs it: loaded here, never at a first sync under a stripe lock
        SyncMode syncMode = switch (durability) {
            case ALWAYS -> SyncMode.SYNC;
            case ASYNC -> SyncMode.ASYNC;
            case NONE -> SyncMode.NONE;
        };
        try {
            SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(roll == JournalRoll.HOURLY ? RollCycles.FAST_HOURLY : RollCycles.FAST_DAILY)
                    .syncMode(syncMode)
                    .timeoutMS(QUEUE_TIMEOUT_MILLIS)
                    .pauserSupplier(Journal::appendLockPauser);
            if (clock != null) {
                builder.timeProvider(clock);
            }
            if (HALT_IN_APPEND.equals("afterCommit")) {
                builder.appenderListener((wire, index) -> Runtime.getRuntime().halt(137));
            }
            SingleChronicleQueue built = builder.build();
            space.restrictAll();
            if (durability == Durability.ASYNC) {
                JournalFlusher.register(this);
            }
            return built;
        } catch (RuntimeException e) {
            throw new CorruptStoreException("Store '" + store + "': cannot open its journal " + dir + " (" + e
                    + "): " + setAsideAdvice(), e);
        }
    }

    /** What to do about a journal that cannot be opened or read: the map still holds every entry. */
    private String setAsideAdvice() {
        return "restore the store from a backup; or keep the map, which holds every acknowledged entry:"
                + " with no process using the store, move " + dir + " aside, then run 'statestore checkpoint " + store
                + "' to record the map as the new journal's starting point";
    }

    /**
     * A read of the journal that failed on what its files hold (garbage in a cycle file: Chronicle
     * throws an exception of its own or, under {@code -ea}, an {@link AssertionError}; the event
     * decoder refuses lengths that do not fit) as the typed error, with the advice that keeps every
     * entry. Never an {@code Error} past the API.
     */
    CorruptStoreException damaged(Throwable e) {
        return new CorruptStoreException("Store '" + store + "': its journal " + dir + " cannot be read (" + e
                + "): a file of it is damaged; " + setAsideAdvice(), e);
    }

    /**
     * How a writer waits for the queue's cross-process append lock. Chronicle's default
     * ({@code YieldingPauser(500_000)}) retries the compare-and-swap 500,000 times back to back before
     * it first yields: while the holder runs on the other core that hammers the lock's cache line, and
     * when the holder is descheduled (2 cores, other processes) the waiter burns whole time slices
     * the holder needs to finish. The critical section is a few hundred nanoseconds (one event copied
     * while the writer holds its stripe), so: spin politely (onSpinWait) for 5 us, which covers a
     * holder that is running; yield until 50 us, which lets a descheduled holder run; then park in
     * steps growing from 10 to 100 us until Chronicle's lock timeout.
     */
    static TimingPauser appendLockPauser() {
        return new LongPauser(5, 50, 10, 100, TimeUnit.MICROSECONDS);
    }

    public String store() {
        return store;
    }

    public Path dir() {
        return dir;
    }

    public Durability durability() {
        return durability;
    }

    private ExcerptAppender newAppender() {
        ExcerptAppender appender = queue().createAppender();
        synchronized (allAppenders) {
            allAppenders.add(appender);
        }
        return appender;
    }

    /**
     * Appends an event whose key and value are Chronicle {@link Data} (inside a map operation).
     *
     * @param value null for removals
     * @return the event's sequence
     */
    long append(ChangeType type, Data<?> key, Data<?> value, StripeContext stripe) {
        long deadline = System.nanoTime() + APPEND_RETRY_NANOS;
        while (true) {
            try {
                return tryAppend(type, key, value, stripe);
            } catch (StateStoreException e) {
                // the queue lock was held past its timeout by a live, slow process: wait on
                if (!(e.getCause() instanceof UnrecoverableTimeoutException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private long tryAppend(ChangeType type, Data<?> key, Data<?> value, StripeContext stripe) {
        long size = key.size() + (value == null ? 0 : value.size());
        checkSize(size);
        ExcerptAppender appender = appenders.get();
        space.checkRoom(appender, size);
        Origin origin = ChangeCause.origin();
        long index;
        long end;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                Bytes<?> b = dc.wire().bytes();
                EventLayout.writeHeader(b, type, stripe.stripe(), key.size(), value == null ? EventLayout.NO_VALUE : value.size(), origin);
                EventLayout.copy(key, b);
                if (value != null) {
                    EventLayout.copy(value, b);
                }
                EventLayout.writeOrigin(b, origin);
                end = b.writePosition();
                index = dc.index();
                stripe.inFlight(index); // before the commit: a crash from here on is finished from the journal
                if (HALT_IN_APPEND.equals("beforeCommit")) {
                    Runtime.getRuntime().halt(137);
                }
            } catch (RuntimeException | InternalError e) {
                dc.rollbackOnClose(); // nothing half-written is committed
                throw e;
            }
        } catch (RuntimeException e) {
            throw appendFailed(e);
        } catch (InternalError e) {
            throw space.faulted(e);
        }
        pendingSync.set(appender);
        appends.increment();
        space.appended(appender, end);
        return index;
    }


    /**
     * Appends an event from encoded bytes (repairs, tools).
     *
     * @param value null for removals
     * @return the event's sequence
     */
    public long append(ChangeType type, byte[] key, byte[] value) {
        ExcerptAppender appender = appenders.get();
        space.checkRoom(appender, key.length + (value == null ? 0 : value.length));
        Origin origin = ChangeCause.origin();
        long index;
        long end;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                Bytes<?> b = dc.wire().bytes();
                EventLayout.writeHeader(b, type, -1, key.length, value == null ? EventLayout.NO_VALUE : value.length, origin);
                b.write(key);
                if (value != null) {
                    b.write(value);
                }
                EventLayout.writeOrigin(b, origin);
                end = b.writePosition();
                index = dc.index();
            } catch (RuntimeException | InternalError e) {
                dc.rollbackOnClose(); // nothing half-written is committed
                throw e;
            }
        } catch (RuntimeException e) {
            throw appendFailed(e);
        } catch (InternalError e) {
            throw space.faulted(e);
        }
        pendingSync.set(appender);
        appends.increment();
        space.appended(appender, end);
        syncIfPending();
        return index;
    }

    /** The largest key plus value one journal event takes (Chronicle Queue caps an entry at a quarter of its block). */
    public static final long MAX_EVENT_BYTES = 8L << 20;

    private void checkSize(long bytes) {
        if (bytes > MAX_EVENT_BYTES) {
            throw new StoreFullException("Store '" + store + "': an entry of " + bytes + " bytes is larger than a"
                    + " journal event can be (" + MAX_EVENT_BYTES + " bytes): store large values elsewhere and keep a"
                    + " reference here, or create the store with journal=false");
        }
    }

    /** A failed append as a typed error: the journal's file failing to grow (an I/O error under it) means a full disk. */
    private RuntimeException appendFailed(RuntimeException e) {
        IOException io = ChronicleErrors.cause(e, IOException.class);
        if (io != null) {
            return new StoreFullException("Store '" + store + "': the journal cannot grow (" + io.getMessage()
                    + "): free disk space on the data directory's file system or lower the journal retention", e);
        }
        return new StateStoreException("Store '" + store + "': appending to the journal failed (" + e + ")", e);
    }

    /**
     * Forces this thread's last appended events to disk as the durability mode says. Called after
     * the map operation returned, so no segment lock is held while the disk flushes.
     */
    public void syncIfPending() {
        ExcerptAppender appender = pendingSync.get();
        if (appender != null) {
            pendingSync.remove();
            if (durability == Durability.ALWAYS) {
                appender.sync();
            }
        }
    }

    /** How often a journal in {@link Durability#ASYNC} is forced to disk, by the JVM's one flusher thread. */
    public static final long ASYNC_FLUSH_MILLIS = 1_000;

    /** Appends counted at the last flush (the flusher's). */
    private long flushedAppends;
    private final java.util.concurrent.atomic.AtomicLong flushes = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Forces what was appended since the last call to disk, if anything was; the flusher calls this
     * every {@link #ASYNC_FLUSH_MILLIS} for a journal in {@link Durability#ASYNC}, so a put makes no
     * syscall and a power loss loses about the last second (as Redis's {@code appendfsync everysec}).
     */
    void flushIfAppended() {
        long appended = appends.sum();
        if (appended == flushedAppends || closed.get()) {
            return;
        }
        try {
            space.force();
            flushedAppends = appended;
            flushes.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Journal.class).warn("store '{}': forcing the journal to disk failed: {}",
                    store, e.toString());
        }
    }

    /** Flushes made by {@link #flushIfAppended} (tests, stats). */
    public long flushes() {
        return flushes.get();
    }

    /** A new tailer; use it from one thread only. */
    public ExcerptTailer tailer() {
        return queue().createTailer();
    }

    /** A reader of this journal, positioned at its start; use it from one thread. */
    public JournalReader reader() {
        return new JournalReader(this, queue().createTailer());
    }

    /** The events of the entry {@code sequence}; empty when the journal has no complete entry there. */
    public java.util.List<RawEvent> readAt(long sequence) {
        java.util.List<RawEvent> events = new java.util.ArrayList<>();
        try (ExcerptTailer tailer = queue().createTailer()) {
            if (tailer.moveToIndex(sequence) && EventLayout.readEntry(tailer, events) && events.get(0).sequence() == sequence) {
                return events;
            }
            return java.util.List.of();
        } catch (RuntimeException | AssertionError e) {
            throw damaged(e);
        }
    }

    /**
     * One change of an atomic batch: its type (PUT, or REMOVE or EXPIRE for a removal), the key's
     * stripe, encoded key and value (null for a removal).
     */
    public record BatchChange(ChangeType type, int stripe, byte[] key, byte[] value) {
    }

    /**
     * Appends the changes of an atomic multi-key operation as one journal entry: replay and
     * subscribers see all of them or none. {@code onSequence} runs before the entry is committed,
     * with its sequence, so the caller can record it in every stripe it holds.
     */
    public long appendBatch(java.util.List<BatchChange> changes, java.util.function.LongConsumer onSequence) {
        ExcerptAppender appender = appenders.get();
        long bytes = 0;
        for (BatchChange c : changes) {
            bytes += EventLayout.HEADER_SIZE + c.key().length + (c.value() == null ? 0 : c.value().length);
        }
        space.checkRoom(appender, bytes);
        Origin origin = ChangeCause.origin();
        long index;
        long end;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                Bytes<?> b = dc.wire().bytes();
                for (BatchChange c : changes) {
                    EventLayout.writeHeader(b, c.type(), c.stripe(), c.key().length,
                            c.value() == null ? EventLayout.NO_VALUE : c.value().length, origin);
                    b.write(c.key());
                    if (c.value() != null) {
                        b.write(c.value());
                    }
                    EventLayout.writeOrigin(b, origin);
                }
                end = b.writePosition();
                index = dc.index();
                onSequence.accept(index);
            } catch (RuntimeException | InternalError e) {
                dc.rollbackOnClose(); // nothing half-written is committed
                throw e;
            }
        } catch (RuntimeException e) {
            throw appendFailed(e);
        } catch (InternalError e) {
            throw space.faulted(e);
        }
        pendingSync.set(appender);
        appends.add(changes.size());
        space.appended(appender, end);
        return index;
    }

    /**
     * Deletes whole journal cycles that are no longer needed: older than {@code maxAge} (when set),
     * or the oldest ones while the journal is larger than {@code maxBytes} (when positive), and only
     * cycles entirely at or before {@code consumedThrough}: the sequence every named subscription
     * has delivered and the latest checkpoint covers. The newest cycle is never deleted. Files are
     * deleted only after Chronicle Queue has been told, so no file stays open.
     *
     * @return the deleted files
     */
    public java.util.List<Path> retain(java.time.Duration maxAge, long maxBytes, long consumedThrough) {
        java.util.List<Path> deleted = new java.util.ArrayList<>();
        if ((maxAge == null && maxBytes <= 0) || consumedThrough < 0 || lastSequence() < 0) {
            return deleted;
        }
        SingleChronicleQueue queue = queue();
        net.openhft.chronicle.queue.RollCycle rollCycle = queue.rollCycle();
        int consumedCycle = rollCycle.toCycle(consumedThrough);
        int newest = queue.lastCycle(); // the newest cycle with a file: never deleted
        java.util.NavigableSet<Long> cycles = queue.listCyclesBetween(queue.firstCycle(), newest);
        long totalBytes = 0;
        java.util.Map<Long, Path> files = new java.util.TreeMap<>();
        for (long cycle : cycles) {
            Path file = cycleFile(queue, cycle);
            if (java.nio.file.Files.exists(file)) {
                files.put(cycle, file);
                totalBytes += file.toFile().length();
            }
        }
        long now = queue.time().currentTimeMillis();
        for (java.util.Map.Entry<Long, Path> e : files.entrySet()) {
            long cycle = e.getKey();
            if (cycle >= newest || cycle >= consumedCycle) {
                break; // never the newest cycle, never what someone still needs
            }
            long cycleEnd = (cycle + 1) * rollCycle.lengthInMillis();
            boolean old = maxAge != null && cycleEnd <= now - maxAge.toMillis();
            boolean tooBig = maxBytes > 0 && totalBytes > maxBytes;
            if (!old && !tooBig) {
                break;
            }
            long size = e.getValue().toFile().length();
            try {
                java.nio.file.Files.deleteIfExists(e.getValue());
            } catch (IOException ex) {
                throw new StateStoreException("Store '" + store + "': cannot delete journal file " + e.getValue() + " (" + ex
                        + "): check the permissions of the data directory", ex);
            }
            totalBytes -= size;
            deleted.add(e.getValue());
        }
        if (!deleted.isEmpty()) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /** The file of {@code cycle}, named as Chronicle names it (UTC, the roll cycle's format). */
    private Path cycleFile(SingleChronicleQueue queue, long cycle) {
        net.openhft.chronicle.queue.RollCycle rollCycle = queue.rollCycle();
        java.time.format.DateTimeFormatter names = java.time.format.DateTimeFormatter.ofPattern(rollCycle.format())
                .withZone(java.time.ZoneOffset.UTC);
        return dir.resolve(names.format(java.time.Instant.ofEpochMilli(cycle * rollCycle.lengthInMillis()))
                + SingleChronicleQueue.SUFFIX);
    }

    /** Events this process appended. */
    public long appends() {
        return appends.sum();
    }

    /**
     * Refuses a journal that no longer records every change it was given: a cycle file Chronicle
     * cannot read (garbage: a tailer without {@code -ea} passes over it as if it were empty), or one
     * Chronicle has already renamed to {@code *.discard} because an appender could not acquire it
     * (it then starts the cycle afresh, so the events in it are gone from the journal's view).
     * Replaying such a journal would describe a map emptier than the one acknowledged, and setting
     * the map to it would delete acknowledged entries; so verify, recover and rebuild call this first.
     *
     * @throws CorruptStoreException naming the file, with the advice that keeps every entry
     */
    public void checkReadable() {
        SingleChronicleQueue q = queue();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            java.util.Optional<Path> discarded = files
                    .filter(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.DISCARD_FILE_SUFFIX)).findFirst();
            if (discarded.isPresent()) {
                throw new CorruptStoreException("Store '" + store + "': its journal " + dir + " lost events: Chronicle set"
                        + " aside the cycle file " + discarded.get().getFileName() + " as unreadable; " + setAsideAdvice());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (q.firstCycle() == Integer.MAX_VALUE) {
            return; // no cycle file yet
        }
        for (long cycle : q.listCyclesBetween(q.firstCycle(), q.lastCycle())) {
            if (!java.nio.file.Files.exists(cycleFile(q, cycle))) {
                continue; // deleted by retention since the directory was listed
            }
            try (net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore acquired =
                         q.storeForCycle((int) cycle, q.epoch(), false, null)) {
                if (acquired == null) { // its header never became ready within the queue's timeout
                    throw damaged(new java.io.StreamCorruptedException("cycle file of cycle " + cycle
                            + " has no readable header"));
                }
            } catch (CorruptStoreException e) {
                throw e;
            } catch (RuntimeException | AssertionError e) {
                throw damaged(e);
            } catch (Exception e) { // Chronicle rethrows a StreamCorruptedException unchecked
                throw damaged(e);
            }
        }
    }

    /**
     * The sequence of the newest event the calling thread appended, or -1 when it appended none: a
     * field read, where {@link #lastSequence} scans the queue's index (the replication applier reads
     * it after every change it applies).
     */
    public long lastAppendedByThisThread() {
        try {
            return appenders.get().lastIndexAppended();
        } catch (IllegalStateException e) { // Chronicle's "no messages written": nothing appended yet
            return -1;
        }
    }

    /** The sequence of the newest event, or -1 when the journal is empty. */
    public long lastSequence() {
        long last;
        try {
            last = queue().lastIndex();
        } catch (RuntimeException | AssertionError e) {
            throw damaged(e);
        }
        return last < 0 ? -1 : last;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        JournalFlusher.unregister(this);
        synchronized (openLock) { // waits for an opening in progress; none starts after this
            SingleChronicleQueue q = queue;
            if (q == null) {
                return; // never opened: nothing to close
            }
            synchronized (allAppenders) {
                for (ExcerptAppender appender : allAppenders) {
                    appender.close();
                }
            }
            q.close();
        }
    }

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("statestore's journal layout assumes a little-endian platform");
        }
    }
}
