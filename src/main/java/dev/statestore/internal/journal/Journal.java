package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent.Origin;
import dev.statestore.ChangeType;
import dev.statestore.CorruptStoreException;
import dev.statestore.Durability;
import dev.statestore.JournalRoll;
import dev.statestore.StateStoreException;
import dev.statestore.StoreFullException;
import dev.statestore.internal.chronicle.ChronicleErrors;
import dev.statestore.internal.files.ProcessTable;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The change journal of one store, under {@code <store>/journal/}: a Chronicle Queue per attached
 * process that appends ({@code w<slot>/}), merged by readers into one total order by a store-wide
 * sequence (see {@link WriterTable}, {@link JournalQueues}, {@link JournalReader}). Events are
 * appended while the changed key's segment is write-locked (see {@link JournalingEntryOperations})
 * and take their sequence then, so for each key the journal's order is the map's order. Each
 * event's body follows {@link EventLayout}.
 *
 * <p>Queues are opened on first use, not by {@link #open}: building a Chronicle Queue costs
 * ~40 ms in a fresh JVM, and a process that only reads the map (the CLI's {@code get}, {@code
 * dump}, {@code ls}) never needs one. Whatever needs a queue opens it: an append (this process's
 * own queue, once {@link #attach attached} to its process slot), a reader, {@link #readAt} (crash
 * repair), {@link #retain}, or {@link #ensureOpen}, which writers call before they take a stripe
 * (and a store being created, whose creator writes), so that the build does not run under a lock.
 * After that, the own queue is one volatile read away; appends reach it through their per-thread
 * appender. {@link #open} maps the writer table (and makes the journal directory and the table
 * when missing).
 */
public final class Journal implements AutoCloseable {
    public static final String DIR_NAME = "journal";
    /**
     * Chronicle Queue's lock timeout: a writer that waits 1.5 times this long for its queue's write
     * lock takes it over if its holder is dead; an uncommitted entry a dead writer left is closed
     * off after the same time. Bounds the stall a kill -9 inside an append causes (only the threads
     * of one process, and the process that takes its slot next, share a queue).
     */
    static final long QUEUE_TIMEOUT_MILLIS = 1000;
    private static final long APPEND_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * Fault injection for crash tests, {@code -Dstatestore.faults.haltInAppend=}: {@code afterClaim}
     * halts a writer (as abruptly as kill -9) inside an append right after it took its sequence
     * from the counter, before its writer slot records it; {@code beforeCommit} after the event's
     * bytes are written and its sequence is recorded in the stripe, before the entry is committed;
     * {@code afterCommit} after the entry is committed and before the queue's write lock is released.
     */
    private static final String HALT_IN_APPEND = System.getProperty("statestore.faults.haltInAppend", "");

    private final String store;
    private final Path dir;
    private final Durability durability;
    private final JournalRoll roll;
    /** The roll cycles' clock (tests move it); null: Chronicle's. */
    private final net.openhft.chronicle.core.time.TimeProvider clock;
    private final ProcessTable processes;
    private final WriterTable writers;
    private final JournalQueues queues;
    /** This process's slot in the process table, once attached; -1 before: no appends. */
    private volatile int slot = -1;
    /** This process's own queue; null until its first use (see the class comment). */
    private volatile SingleChronicleQueue own;
    private final ThreadLocal<ExcerptAppender> appenders;
    private final List<ExcerptAppender> allAppenders = new ArrayList<>();
    private final ThreadLocal<ExcerptAppender> pendingSync = new ThreadLocal<>();
    /** The sequence of each thread's newest append, -1 for none. */
    private final ThreadLocal<long[]> lastAppended = ThreadLocal.withInitial(() -> new long[] {-1});
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.LongAdder appends = new java.util.concurrent.atomic.LongAdder();
    /** The own queue's disk space reserved ahead of the writers, and the journal files' mode. */
    private final JournalSpace space;
    private final FileModes modes;

    private Journal(String store, Path dir, Durability durability, JournalRoll roll,
                    net.openhft.chronicle.core.time.TimeProvider clock, FileModes modes, ProcessTable processes)
            throws IOException {
        this.store = store;
        this.space = new JournalSpace(store, dir, modes);
        this.modes = modes;
        this.dir = dir;
        this.durability = durability;
        this.roll = roll;
        this.clock = clock;
        this.processes = processes;
        this.queues = new JournalQueues(dir, this);
        this.appenders = ThreadLocal.withInitial(this::newAppender);
        try {
            this.writers = WriterTable.openOrCreate(store, dir, processes.slots(), () -> firstSequences(dir.getParent()),
                    modes);
        } catch (IOException | RuntimeException e) {
            queues.close();
            throw e;
        }
    }

    /**
     * The journal of a store: creates its directory and writer table if needed; queues are opened
     * (created if needed) on first use. Appends need {@link #attach} first.
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
            return new Journal(store, dir, durability, roll, clock, modes, ProcessTable.openOrCreate(store, storeDir, modes));
        } catch (IOException e) {
            throw new StateStoreException("Store '" + store + "': cannot open its journal in " + dir + " (" + e
                    + "): check the permissions and free space of the data directory", e);
        }
    }

    /**
     * Where a writer table made now starts. Its base, the first sequence of the writer queues, is
     * past the legacy queue's last event (0 without one). Its counter is past every sequence the
     * queues hold (those of writer queues whose table was lost, too) and past the latest
     * checkpoint (a journal set aside and begun afresh), so sequences never go back.
     */
    private WriterTable.Start firstSequences(Path storeDir) {
        try {
            long legacyLast = -1;
            SingleChronicleQueue legacy = queues.legacy();
            if (legacy != null) {
                legacyLast = lastSequenceIn(legacy);
            }
            long last = legacyLast;
            for (Path w : queues.writerDirs()) {
                last = Math.max(last, lastSequenceIn(queues.queue(w)));
            }
            Checkpoint latest = Checkpoint.latest(storeDir);
            if (latest != null) {
                last = Math.max(last, latest.sequence());
            }
            return new WriterTable.Start(legacy == null ? 0 : legacyLast + 1, last + 1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            throw damaged(e);
        }
    }

    /** The sequence of the last event {@code queue} holds, -1 for none. */
    private static long lastSequenceIn(SingleChronicleQueue queue) {
        try (ExcerptTailer t = queue.createTailer().direction(net.openhft.chronicle.queue.TailerDirection.BACKWARD).toEnd()) {
            List<RawEvent> entry = new ArrayList<>();
            return EventLayout.readEntry(t, entry) ? entry.get(0).sequence() : -1;
        }
    }

    /** Attaches this journal to the process slot {@code slot} this process claimed: its appends go to that slot's queue. */
    public void attach(int slot) {
        writers.attach(slot, processes.generation(slot));
        this.slot = slot;
    }

    /** Opens this process's own queue now if it is not open yet (so that a caller about to take a lock builds it first). */
    public void ensureOpen() {
        if (slot >= 0) {
            ownQueue();
        }
    }

    /** Whether this instance has opened a queue (see the class comment); stays true once closed. */
    public boolean queueOpened() {
        return own != null || queues.anyOpened();
    }

    private SingleChronicleQueue ownQueue() {
        SingleChronicleQueue q = own;
        return q != null ? q : openOwnQueue();
    }

    private synchronized SingleChronicleQueue openOwnQueue() {
        if (closed.get()) {
            throw new IllegalStateException("Store '" + store + "': its journal is closed");
        }
        if (own == null) {
            int s = slot;
            if (s < 0) {
                throw new IllegalStateException("Store '" + store + "': its journal is not attached to a process slot");
            }
            Path queueDir = JournalQueues.writerDir(dir, s);
            boolean made = !Files.isDirectory(queueDir);
            try {
                modes.createDirectories(queueDir); // with the store's mode, not the umask Chronicle would use
            } catch (IOException e) {
                throw new StateStoreException("Store '" + store + "': cannot create its journal queue " + queueDir + " ("
                        + e + "): check the permissions and free space of the data directory", e);
            }
            SingleChronicleQueue q = queues.queue(queueDir);
            if (made) {
                writers.queueCreated(); // readers list the directory again
            }
            if (durability == Durability.ASYNC) {
                JournalFlusher.register(this);
            }
            own = q;
        }
        return own;
    }

    JournalQueues queues() {
        return queues;
    }

    ProcessTable processes() {
        return processes;
    }

    SingleChronicleQueue buildQueue(Path queueDir) {
        DeferredPosix.load(); // the queue's msync needs it: loaded here, never at a first sync under a stripe lock
        SyncMode syncMode = switch (durability) {
            case ALWAYS -> SyncMode.SYNC;
            case ASYNC -> SyncMode.ASYNC;
            case NONE -> SyncMode.NONE;
        };
        try {
            SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(queueDir)
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
            space.restrictAll(queueDir);
            return built;
        } catch (RuntimeException e) {
            throw new CorruptStoreException("Store '" + store + "': cannot open its journal " + queueDir + " (" + e
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
        if (e instanceof CorruptStoreException c) {
            return c;
        }
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
        ExcerptAppender appender = ownQueue().createAppender();
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
                // the queue lock was held past its timeout by a live, slow thread: wait on
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
        long sequence;
        long end;
        int s = slot;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                sequence = claim(s);
                Bytes<?> b = dc.wire().bytes();
                EventLayout.writeHeader(b, sequence, type, stripe.stripe(), key.size(),
                        value == null ? EventLayout.NO_VALUE : value.size(), origin);
                EventLayout.copy(key, b);
                if (value != null) {
                    EventLayout.copy(value, b);
                }
                EventLayout.writeOrigin(b, origin);
                end = b.writePosition();
                stripe.inFlight(sequence); // before the commit: a crash from here on is finished from the journal
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
        } finally {
            writers.idle(s); // after the commit (or the roll back): readers find the entry, or know it never comes
        }
        appended(appender, sequence, end, 1);
        return sequence;
    }

    /** Takes the next sequence for this process's slot; the caller holds its queue's write lock. */
    private long claim(int s) {
        long sequence = writers.claim(s);
        if (HALT_IN_APPEND.equals("afterClaim")) {
            Runtime.getRuntime().halt(137);
        }
        writers.claimed(s, sequence);
        return sequence;
    }

    private void appended(ExcerptAppender appender, long sequence, long end, int events) {
        lastAppended.get()[0] = sequence;
        pendingSync.set(appender);
        appends.add(events);
        space.appended(appender, end);
    }

    /**
     * Appends an event from encoded bytes (repairs, tools), and forces it to disk as the
     * durability mode says.
     *
     * @param value null for removals
     * @return the event's sequence
     */
    public long append(ChangeType type, byte[] key, byte[] value) {
        long sequence = appendBatch(List.of(new BatchChange(type, -1, key, value)), seq -> { });
        syncIfPending();
        return sequence;
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

    /** A reader of this journal, positioned at its start; use it from one thread. */
    public JournalReader reader() {
        return new JournalReader(this, writers);
    }

    /** The events of the entry {@code sequence}; empty when the journal has no complete entry there. */
    public List<RawEvent> readAt(long sequence) {
        return readAt(sequence, -1);
    }

    /**
     * As {@link #readAt(long)}, looking first in the queue of process slot {@code slot} (the writer
     * that claimed it, when known: crash repair runs under a stripe, and opening every queue there
     * would hold it up).
     */
    public List<RawEvent> readAt(long sequence, int slot) {
        try {
            if (sequence < writers.base()) {
                SingleChronicleQueue legacy = queues.legacy();
                if (legacy != null) {
                    try (ExcerptTailer tailer = legacy.createTailer()) {
                        List<RawEvent> events = new ArrayList<>();
                        if (tailer.moveToIndex(sequence) && EventLayout.readEntry(tailer, events)
                                && events.get(0).sequence() == sequence) {
                            return events;
                        }
                    }
                }
                return List.of();
            }
            List<Path> dirs = new ArrayList<>(queues.writerDirs());
            Path likely = slot < 0 ? null : JournalQueues.writerDir(dir, slot);
            if (likely != null && dirs.remove(likely)) {
                dirs.add(0, likely);
            }
            for (Path queueDir : dirs) {
                SingleChronicleQueue q = queues.queue(queueDir);
                try (ExcerptTailer tailer = q.createTailer()) {
                    JournalQueues.seekBelow(q, tailer, sequence);
                    List<RawEvent> entry = new ArrayList<>();
                    while (EventLayout.readEntry(tailer, entry)) {
                        long s = entry.get(0).sequence();
                        if (s == sequence) {
                            return entry;
                        }
                        if (s > sequence) {
                            break;
                        }
                        entry.clear();
                    }
                }
            }
            return List.of();
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
    public long appendBatch(List<BatchChange> changes, java.util.function.LongConsumer onSequence) {
        ExcerptAppender appender = appenders.get();
        long bytes = 0;
        for (BatchChange c : changes) {
            checkSize(c.key().length + (c.value() == null ? 0 : c.value().length));
            bytes += EventLayout.HEADER_SIZE_V3 + c.key().length + (c.value() == null ? 0 : c.value().length);
        }
        space.checkRoom(appender, bytes);
        Origin origin = ChangeCause.origin();
        long sequence;
        long end;
        int s = slot;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                sequence = claim(s);
                Bytes<?> b = dc.wire().bytes();
                for (BatchChange c : changes) {
                    EventLayout.writeHeader(b, sequence, c.type(), c.stripe(), c.key().length,
                            c.value() == null ? EventLayout.NO_VALUE : c.value().length, origin);
                    b.write(c.key());
                    if (c.value() != null) {
                        b.write(c.value());
                    }
                    EventLayout.writeOrigin(b, origin);
                }
                end = b.writePosition();
                onSequence.accept(sequence);
            } catch (RuntimeException | InternalError e) {
                dc.rollbackOnClose(); // nothing half-written is committed
                throw e;
            }
        } catch (RuntimeException e) {
            throw appendFailed(e);
        } catch (InternalError e) {
            throw space.faulted(e);
        } finally {
            writers.idle(s);
        }
        appended(appender, sequence, end, changes.size());
        return sequence;
    }

    /**
     * Deletes whole journal cycles that are no longer needed: older than {@code maxAge} (when set),
     * or the oldest ones while the journal is larger than {@code maxBytes} (when positive), and only
     * cycles whose events are all at or before {@code consumedThrough}: the sequence every named
     * subscription has delivered and the latest checkpoint covers. Each queue's newest cycle is never
     * deleted (its writer appends to it). Files are deleted only after Chronicle Queue has been
     * told, so no file stays open.
     *
     * @return the deleted files
     */
    public List<Path> retain(java.time.Duration maxAge, long maxBytes, long consumedThrough) {
        List<Path> deleted = new ArrayList<>();
        if ((maxAge == null && maxBytes <= 0) || consumedThrough < 0 || lastSequence() < 0) {
            return deleted;
        }
        record Cycle(SingleChronicleQueue queue, long cycle, Path file, long bytes, long lastSequence, long endMillis) {
        }
        List<Cycle> candidates = new ArrayList<>();
        long totalBytes = 0;
        long now = 0;
        try {
            for (SingleChronicleQueue q : queues.all()) {
                now = q.time().currentTimeMillis();
                java.util.NavigableSet<Long> cycles = JournalQueues.cycles(q);
                if (cycles.isEmpty()) {
                    continue;
                }
                long newest = cycles.last();
                try (ExcerptTailer tailer = q.createTailer()) {
                    for (long cycle : cycles) {
                        Path file = JournalQueues.cycleFile(q, cycle);
                        if (!Files.exists(file)) {
                            continue;
                        }
                        long bytes = file.toFile().length();
                        totalBytes += bytes;
                        if (cycle != newest) {
                            candidates.add(new Cycle(q, cycle, file, bytes, JournalQueues.lastSequenceOf(q, tailer, cycle),
                                    (cycle + 1) * q.rollCycle().lengthInMillis()));
                        }
                    }
                }
            }
        } catch (RuntimeException | AssertionError e) {
            throw damaged(e);
        }
        candidates.sort(java.util.Comparator.comparingLong(Cycle::endMillis));
        java.util.Set<SingleChronicleQueue> touched = new java.util.HashSet<>();
        for (Cycle c : candidates) {
            boolean old = maxAge != null && c.endMillis() <= now - maxAge.toMillis();
            boolean tooBig = maxBytes > 0 && totalBytes > maxBytes;
            if (!old && !tooBig) {
                break; // the rest are younger, and the journal is small enough
            }
            if (c.lastSequence() > consumedThrough) {
                continue; // someone still needs it
            }
            try {
                Files.deleteIfExists(c.file());
            } catch (IOException ex) {
                throw new StateStoreException("Store '" + store + "': cannot delete journal file " + c.file() + " (" + ex
                        + "): check the permissions of the data directory", ex);
            }
            totalBytes -= c.bytes();
            deleted.add(c.file());
            touched.add(c.queue());
        }
        touched.forEach(SingleChronicleQueue::refreshDirectoryListing);
        return deleted;
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
        java.util.Optional<Path> discarded = queues.discarded();
        if (discarded.isPresent()) {
            throw new CorruptStoreException("Store '" + store + "': its journal " + dir + " lost events: Chronicle set"
                    + " aside the cycle file " + dir.relativize(discarded.get()) + " as unreadable; " + setAsideAdvice());
        }
        try {
            for (SingleChronicleQueue q : queues.all()) {
                JournalQueues.checkCycles(q);
            }
        } catch (Exception | AssertionError e) { // Chronicle rethrows a StreamCorruptedException unchecked
            throw damaged(e);
        }
    }

    /**
     * The sequence of the newest event the calling thread appended, or -1 when it appended none: a
     * field read (the replication applier reads it after every change it applies).
     */
    public long lastAppendedByThisThread() {
        return lastAppended.get()[0];
    }

    /**
     * The sequence of the newest event, or -1 when the journal is empty: the newest sequence
     * claimed (an append in flight, or one whose writer died before committing it, may not be
     * readable).
     */
    public long lastSequence() {
        return writers.nextVolatile() - 1;
    }

    /**
     * The sequence of the newest event the journal's files hold, -1 for none: below {@link
     * #lastSequence} by the appends in flight and, when journal files were lost, by what they held
     * (verify and checkpoint compare it with the latest checkpoint).
     */
    public long lastReadableSequence() {
        try {
            long last = -1;
            for (SingleChronicleQueue q : queues.all()) {
                last = Math.max(last, lastSequenceIn(q));
            }
            return last;
        } catch (RuntimeException | AssertionError e) {
            throw damaged(e);
        }
    }

    /**
     * Journal entries after {@code position} up to the newest: how far a subscription that
     * delivered {@code position} is behind. A position of -1 (nothing delivered yet) counts every
     * entry the journal holds. An entry is one sequence: one change, or one atomic multi-key change.
     * Sequences of the writer queues are counted, not read: one a dead writer never committed
     * counts too.
     */
    public long entriesAfter(long position) {
        long last = lastSequence();
        if (last < 0 || position >= last) {
            return 0;
        }
        long base = writers.base();
        if (position >= base) {
            return last - position;
        }
        try {
            long count = 0;
            for (SingleChronicleQueue q : queues.all()) {
                count += JournalQueues.entriesAfter(q, position, q.file().toPath().equals(dir));
            }
            return count;
        } catch (RuntimeException | AssertionError e) {
            throw damaged(e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        JournalFlusher.unregister(this);
        synchronized (this) { // waits for an opening of the own queue in progress; none starts after this
            synchronized (allAppenders) {
                for (ExcerptAppender appender : allAppenders) {
                    appender.close();
                }
            }
            queues.close();
        }
    }

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("statestore's journal layout assumes a little-endian platform");
        }
    }
}
