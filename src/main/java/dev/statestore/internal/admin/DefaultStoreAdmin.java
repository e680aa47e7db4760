package dev.statestore.internal.admin;

import dev.statestore.CheckpointReport;
import dev.statestore.CompactReport;
import dev.statestore.MapOptions;
import dev.statestore.RebuildReport;
import dev.statestore.RecoveryReport;
import dev.statestore.StateStoreException;
import dev.statestore.StoreAdmin;
import dev.statestore.StoreConfig;
import dev.statestore.StoreInfo;
import dev.statestore.StoreNotFoundException;
import dev.statestore.StoreStats;
import dev.statestore.VerifyReport;
import dev.statestore.internal.cache.ExpirySweeper;
import dev.statestore.internal.files.DamagedLockState;
import dev.statestore.internal.files.StoreFiles;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.journal.Checkpoint;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.NamedPosition;
import dev.statestore.internal.lock.StripeTable;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.map.OpenedStore;
import dev.statestore.internal.map.StoreOpener;
import dev.statestore.internal.metrics.JournalFigures;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@link StoreAdmin} of one {@link DefaultStateStore}: what operators and the agent do to its
 * stores, as {@link dev.statestore.StateStore#admin()} hands it out. Each operation names a store
 * and works on it as the store instance has attached it (attaching it if needed), except recover,
 * rebuild and compact, which need it not attached by that instance.
 */
public final class DefaultStoreAdmin implements StoreAdmin {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DefaultStoreAdmin.class);

    private final DefaultStateStore store;

    public DefaultStoreAdmin(DefaultStateStore store) {
        this.store = store;
    }

    /**
     * Replays the journal of store {@code name} and compares it with the map.
     *
     * @throws StoreNotFoundException when there is no such store
     * @throws IllegalStateException when the store has no journal
     */
    @Override
    public VerifyReport verify(String name) {
        return StoreVerifier.verify(store.attached(name).map);
    }

    /**
     * Repairs what crashed processes left in store {@code name}, while other processes may stay
     * attached: frees the process slots of dead processes, takes over the stripes they held
     * (finishing their changes in flight from the journal), repairs the map file with Chronicle's
     * recovery when no other process is attached, and compares the map with the journal; when they
     * differ, compares again while holding every stripe and sets the map to the journal's state for
     * each key that differs (the journal records what was acknowledged).
     */
    @Override
    public RecoveryReport recover(String name) {
        StoreConfig.checkStoreName(name);
        if (store.isAttached(name)) {
            throw new IllegalStateException("Store '" + name + "' is already attached by this StateStore: recover"
                    + " runs when a store is attached; use a new StateStore");
        }
        OpenedStore attached = attachSettingAsideDamagedLockState(name);
        StoreOpener.OpenRepairs repairs = attached.repairs;
        int takenNow = attached.map.stripes().takeOverDeadOwners();
        List<StoreInfo.AttachedProcess> others = attached.processes.live().stream()
                .filter(p -> p.pid() != ProcessHandle.current().pid()).toList();
        VerifyReport mended = null;
        VerifyReport verify = null;
        if (attached.journal != null) {
            verify = StoreVerifier.verify(attached.map);
            if (!verify.clean()) { // maybe only changes in flight: compare again with every stripe held, and mend
                mended = StoreVerifier.mend(name, attached.map);
                verify = StoreVerifier.verify(attached.map);
            }
        }
        return new RecoveryReport(name, repairs.reaped, repairs.stripesTakenOver + takenNow, repairs.mapRepaired,
                others, mended, verify);
    }

    /**
     * Attaches store {@code name}; a file of it that holds only lock state and is damaged (the
     * process table, the stripe table) is set aside first, with no process attached, and made again.
     */
    private OpenedStore attachSettingAsideDamagedLockState(String name) {
        for (int setAside = 0; ; setAside++) {
            try {
                store.existing(name);
                return store.attached(name);
            } catch (DamagedLockState e) {
                if (setAside == 2) { // both tables, at most: a third is not this
                    throw e;
                }
                StoreOpener.setAsideLockState(name, StoreFiles.storeDir(store.dataDir(), name), e.file());
            }
        }
    }

    /**
     * Takes a checkpoint of store {@code name}: a snapshot of the map consistent with the journal's
     * last sequence, taken while every stripe is held (writers in every process pause for the
     * copy). Then applies the store's journal retention: cycles older than its retention (or beyond
     * its size limit) are deleted if the checkpoint covers them and every named subscription has
     * read them.
     */
    @Override
    public CheckpointReport checkpoint(String name) {
        OpenedStore opened = store.attached(name);
        Journal journal = opened.journal;
        if (journal == null) {
            throw new IllegalStateException("Store '" + name + "' has no journal (created with journal=false):"
                    + " a checkpoint is a starting point for replaying the journal, so it has none");
        }
        Path storeDir = StoreFiles.storeDir(store.dataDir(), name);
        journal.ensureOpen(); // not while every stripe is held
        long began = System.nanoTime();
        long[] pauseNanos = {0};
        Checkpoint checkpoint = opened.map.withAllStripes(() -> {
            long frozen = System.nanoTime();
            try {
                long last = journal.lastSequence(); // every stripe held: no append in flight
                long readable = journal.lastReadableSequence();
                for (Path stale : Checkpoint.setAsideBeyond(storeDir, readable)) { // the journal lost what they describe
                    LOG.warn("store '{}': checkpoint past the journal's end (sequence {}) set aside as {}", name, readable,
                            stale);
                }
                return Checkpoint.write(storeDir, last, opened.map::forEachEncodedWhileAllHeld, store.modes());
            } catch (IOException e) {
                throw new StateStoreException("Store '" + name + "': cannot write a checkpoint in " + storeDir + " ("
                        + e + "): check free space and permissions", e);
            } finally {
                pauseNanos[0] = System.nanoTime() - frozen;
            }
        });
        long consumed = checkpoint.sequence();
        try {
            for (long position : NamedPosition.readAll(storeDir).values()) {
                consumed = Math.min(consumed, position);
            }
        } catch (IOException e) {
            throw new StateStoreException("Store '" + name + "': cannot read its subscriptions (" + e + ")", e);
        }
        StoreMetadata meta = opened.metadata;
        List<Path> deleted = journal.retain(meta.retainSeconds() > 0 ? Duration.ofSeconds(meta.retainSeconds()) : null,
                meta.retainBytes(), consumed);
        return new CheckpointReport(name, checkpoint.sequence(), checkpoint.entries(), pauseNanos[0],
                System.nanoTime() - began, deleted);
    }

    /**
     * Recreates the map file of store {@code name} from its latest checkpoint and the journal after
     * it, into a new file that then replaces the old one (kept beside it). No process may be
     * attached: a process would go on using the old file.
     */
    @Override
    public RebuildReport rebuild(String name) {
        StoreConfig.checkStoreName(name);
        if (store.isAttached(name)) {
            throw new IllegalStateException("Store '" + name + "' is attached by this StateStore: rebuild needs it"
                    + " detached everywhere; use a new StateStore");
        }
        StoreMetadata meta = store.metadata(name);
        if (meta == null) {
            throw new StoreNotFoundException("No store '" + name + "' in " + store.dataDir() + ": 'statestore ls' lists the stores");
        }
        return StoreOpener.rebuild(meta, StoreFiles.storeDir(store.dataDir(), name), DefaultStateStore.genericCodec(meta.keyCodec()),
                DefaultStateStore.genericCodec(meta.valueCodec()), store.modes());
    }

    /**
     * Removes the expired entries of store {@code name} now, if this process holds the store's
     * sweeper lease or can take it (one process at a time sweeps a store; see {@link ExpirySweeper}).
     * Each removal is journaled as {@link dev.statestore.ChangeType#EXPIRE}. The agent calls this;
     * without an agent, a thread of every attached process tries it once a second.
     *
     * @return entries removed, 0 for a store without expiry, -1 when another process holds the lease
     */
    @Override
    public long sweepExpired(String name) {
        ExpirySweeper sweeper = store.attached(name).sweeper;
        return sweeper == null ? 0 : sweeper.sweep();
    }

    /**
     * Rewrites the map file of store {@code name} sized for {@code entries} (0: its live entries
     * plus a quarter, at least 1,000), with the same content, and records the new sizing in its
     * store.json. No process may be attached (they would keep the old file mapped): stop them first.
     * The journal is untouched: map and journal still agree.
     */
    @Override
    public CompactReport compact(String name, long entries) {
        StoreConfig.checkStoreName(name);
        if (store.isAttached(name)) {
            throw new IllegalStateException("Store '" + name + "' is attached by this StateStore: compact needs it"
                    + " detached everywhere; use a new StateStore");
        }
        store.existing(name); // repairs what crashed processes left (stripes, in-flight changes) before rewriting
        OpenedStore detached = store.detach(name);
        long live = detached.map.longSize();
        detached.close();
        StoreMetadata meta = store.metadata(name);
        long target = entries > 0 ? entries : Math.max(1_000, live + live / 4);
        return StoreOpener.compact(meta, StoreFiles.storeDir(store.dataDir(), name), DefaultStateStore.genericCodec(meta.keyCodec()),
                DefaultStateStore.genericCodec(meta.valueCodec()), store.modes(), target);
    }

    /**
     * Bytes the entries of store {@code name} occupy in its map file: the chunks Chronicle Map
     * allocated for them (key, value, Chronicle's size fields and checksum), what
     * {@link MapOptions.Builder#maxBytes} bounds. Counted a segment at a time under its stripe.
     *
     * @throws StoreNotFoundException when there is no such store
     */
    @Override
    public long entryBytes(String name) {
        return store.attached(name).map.usedBytes();
    }

    /**
     * What is true of store {@code name} as a whole, read from its shared files (attaching it if
     * needed): entries, capacity, file bytes, attached processes (dead ones are reaped on the way),
     * lock takeovers by any process, the journal and its named subscriptions.
     *
     * @throws StoreNotFoundException when there is no such store
     */
    @Override
    public StoreStats stats(String name) {
        OpenedStore s = store.attached(name);
        Path storeDir = StoreFiles.storeDir(store.dataDir(), name);
        StoreMetadata meta = s.metadata;
        StripeTable stripes = s.map.stripes();
        List<StoreInfo.AttachedProcess> attached = s.processes.live(); // reaps dead processes: before crashes()
        return new StoreStats(name, meta.keyCodec(), meta.valueCodec(), s.map.longSize(),
                (long) (meta.entries() * meta.maxGrowth()), s.map.fillRatio(), DefaultStateStore.directorySize(storeDir),
                stripes.stripes(), stripes.takeoversAllProcesses(), s.processes.crashes(), attached,
                s.journal == null ? null : JournalFigures.of(s.journal, storeDir));
    }
}
