package dev.statestore.internal.map;

import dev.statestore.Codec;
import dev.statestore.CompactReport;
import dev.statestore.CorruptStoreException;
import dev.statestore.DiskFullException;
import dev.statestore.Durability;
import dev.statestore.IncompatibleFormatException;
import dev.statestore.JournalRoll;
import dev.statestore.MapOptions;
import dev.statestore.RebuildReport;
import dev.statestore.StateStoreException;
import dev.statestore.StoreFullException;
import dev.statestore.StoreInfo.AttachedProcess;
import dev.statestore.TypeMismatchException;
import dev.statestore.VerifyReport;
import dev.statestore.internal.admin.CrashRepair;
import dev.statestore.internal.admin.MapFileCheck;
import dev.statestore.internal.admin.StoreVerifier;
import dev.statestore.internal.cache.DeadlineMarks;
import dev.statestore.internal.cache.StampLayout;
import dev.statestore.internal.chronicle.ChronicleErrors;
import dev.statestore.internal.chronicle.ChronicleMapInternals;
import dev.statestore.internal.codec.BuiltinCodecs;
import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.files.StoreFiles;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.JournalingEntryOperations;
import dev.statestore.internal.journal.Replay;
import dev.statestore.internal.lock.StoreLock;
import dev.statestore.internal.lock.StripeTable;
import dev.statestore.internal.lock.VersionBumps;
import dev.statestore.internal.lock.VersionedEntryOperations;
import dev.statestore.internal.near.VersionTable;
import dev.statestore.internal.platform.FileModes;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Creates or attaches one store, under the store's {@link StoreLock}: several threads or processes
 * opening the same new store at once all end up on the same files. A store exists once its
 * metadata is written, after its map file is complete; a map file without metadata is what a
 * crashed creator left and is set aside, never silently reused or deleted.
 */
public final class StoreOpener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOpener.class);
    /** How long a stripe held by a live process is waited for: {@code -Dstatestore.lockTimeoutMillis}. */
    static final long LOCK_TIMEOUT_MILLIS = Long.getLong("statestore.lockTimeoutMillis", 30_000L);

    /** What an open found and repaired after crashes; kept with the store it opened ({@link OpenedStore#repairs}). */
    public static final class OpenRepairs {
        /** Process slots of dead processes freed. */
        public int reaped;
        /** Whether Chronicle's full recovery ran (nobody else was attached). */
        public boolean mapRepaired;
        /** Faults Chronicle's full recovery reported (and fixed its way, which may delete entries). */
        int corruptions;
        /** Stripes taken over from dead owners, their changes in flight finished. */
        public int stripesTakenOver;
    }

    private StoreOpener() {
    }

    static <K, V> OpenedStore open(String name, Path storeDir, Codec<K> keyCodec, Codec<V> valueCodec,
                                   MapOptions options, FileModes modes, boolean checkTypeNames) {
        try {
            modes.createDirectories(storeDir);
        } catch (IOException e) {
            throw new StateStoreException("Store '" + name + "': cannot create " + storeDir + " (" + e
                    + "): check that the data directory exists and is writable by this user", e);
        }
        OpenRepairs repairs = new OpenRepairs();
        java.util.ArrayDeque<AutoCloseable> acquired = new java.util.ArrayDeque<>(); // released if the open fails
        try (StoreLock lock = StoreLock.acquire(storeDir, modes)) {
            StoreMetadata meta = StoreMetadata.read(storeDir, name);
            Path mapFile = StoreFiles.mapFile(storeDir);
            Conversion<K, ?> keys = Conversion.of(keyCodec);
            StoreMetadata created = meta == null ? CreationOptions.conclude(name, keyCodec, valueCodec, options) : null;
            ProcessTable processes = ProcessTable.openOrCreate(name, storeDir, modes);
            ChronicleMap<?, ?> chronicle;
            Conversion<V, ?> values;
            Journal journal = null;
            DeadlineMarks marks = null;
            VersionBumps bumps = new VersionBumps();
            if (meta == null) {
                setAsideOrphan(name, mapFile);
                meta = created;
                values = valueConversion(meta, valueCodec);
                modes.createFile(mapFile);
                journal = acquire(acquired, openJournal(meta, storeDir, modes));
                marks = meta.stamped() ? new DeadlineMarks() : null;
                chronicle = acquire(acquired, build(meta, keys, values, mapFile, journal, marks, bumps));
                meta.write(storeDir, modes);
                LOG.info("created store '{}' in {} for {} entries", name, storeDir, meta.entries());
            } else {
                checkTypes(meta, keyCodec, valueCodec, checkTypeNames);
                values = valueConversion(meta, valueCodec);
                MapFileCheck.check(name, mapFile, meta.journal());
                if (meta.journal() && meta.format() < StoreMetadata.FORMAT) {
                    meta = upgradeJournal(meta, storeDir, processes, modes);
                }
                // the queues open on first use: reads never need them
                journal = acquire(acquired, openJournal(meta, storeDir, modes));
                marks = meta.stamped() ? new DeadlineMarks() : null;
                chronicle = acquire(acquired, attach(meta, keys, values, mapFile, processes, journal, marks, bumps,
                        repairs));
            }
            int slot = processes.claim();
            acquired.push(() -> processes.release(slot));
            if (journal != null) {
                journal.attach(slot);
                if (created != null) {
                    journal.ensureOpen(); // its creator is about to write: its queue is made with the store
                }
            }
            StripeTable stripes = StripeTable.openOrCreate(name, storeDir, segments(chronicle), processes, slot,
                    LOCK_TIMEOUT_MILLIS, modes);
            if (marks != null) {
                marks.attach(stripes); // before the takeovers below: their repairs write
            }
            // made here for stores created before it existed too; before the takeovers below: their repairs write
            VersionTable versions = VersionTable.openOrCreate(name, storeDir, meta.entries(), modes);
            bumps.attach(versions);
            if (repairs.mapRepaired) {
                versions.bumpEpoch(); // Chronicle's recovery changed entries outside the entry operations
            }
            stripes.onTakeover(repair(name, chronicle, journal, keys, values, versions));
            int repaired = stripes.takeOverDeadOwners();
            repairs.stripesTakenOver = repaired;
            if (repaired > 0) {
                LOG.warn("store '{}': took over {} stripe(s) held by dead processes", name, repaired);
            }
            // every store's writing handle has entry operations (the version bumps), which turn off
            // Chronicle's fast read path: plain stores read through a second handle without them
            ChronicleMap<?, ?> readHandle = !meta.stamped() ? acquire(acquired, build(meta, keys, values, mapFile, null)) : null;
            // nearCache: this process's setting, from the options of this open, never from the store's files
            ChronicleStoreMap<?, ?, ?, ?> storeMap = newStoreMap(name, chronicle, readHandle, keys, values, meta, journal,
                    storeDir, modes, stripes, versions, options.resolvedNearCache());
            if (repairs.corruptions > 0 && journal != null) {
                mendAfterRecovery(name, storeMap);
            }
            return new OpenedStore(meta, storeMap, processes, slot, journal, repairs);
        } catch (IOException e) {
            throw releaseAll(acquired, new StateStoreException("Store '" + name + "': cannot open " + storeDir + " ("
                    + e + "): check the permissions and free space of the data directory", e));
        } catch (RuntimeException e) {
            throw releaseAll(acquired, e);
        } catch (Error e) {
            throw releaseAll(acquired, e);
        }
    }

    /** Records {@code resource} (null: none) to be released if the open fails; returns it. */
    private static <T extends AutoCloseable> T acquire(java.util.Deque<AutoCloseable> acquired, T resource) {
        if (resource != null) {
            acquired.push(resource);
        }
        return resource;
    }

    /** Releases what a failed open acquired, newest first, keeping each failure as suppressed by {@code failure}. */
    private static <E extends Throwable> E releaseAll(java.util.Deque<AutoCloseable> acquired, E failure) {
        for (AutoCloseable resource; (resource = acquired.poll()) != null; ) {
            try {
                resource.close();
            } catch (Exception | Error e) {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    /**
     * After Chronicle's full recovery fixed faults its own way (it deletes an entry whose checksum
     * does not match, for one), sets every key whose entry now differs from the journal back to the
     * journal's state: the journal records what was acknowledged. Runs at open, with nobody else
     * attached, only after recovery reported a fault.
     */
    private static void mendAfterRecovery(String name, ChronicleStoreMap<?, ?, ?, ?> map) {
        VerifyReport mended;
        try {
            mended = StoreVerifier.mend(name, map);
        } catch (CorruptStoreException e) { // the journal lost files: it is no record to mend the map by
            LOG.warn("store '{}': not mended after Chronicle's recovery: {}", name, e.getMessage());
            return;
        }
        if (!mended.clean()) {
            LOG.warn("store '{}': after Chronicle's recovery, set {} key(s) back to the journal's state ({} missing, {} not"
                    + " in the journal, {} differing; e.g. {})", name, mended.missing() + mended.unexpected()
                    + mended.different(), mended.missing(), mended.unexpected(), mended.different(), mended.examples());
        }
    }

    /**
     * What a takeover runs: first the epoch of the key versions is bumped (the dead owner may have
     * been changing an entry of any key of the stripe, and which one is not known: every near copy
     * misses once), then the dead owner's change in flight is finished.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static StripeTable.Repair repair(String name, ChronicleMap<?, ?> chronicle, Journal journal,
                                             Conversion<?, ?> keys, Conversion<?, ?> values, VersionTable versions) {
        StripeTable.Repair repair = new CrashRepair(name, chronicle, journal, keys, values);
        return (stripe, inFlight, ownerSlot) -> {
            versions.bumpEpoch();
            repair.repair(stripe, inFlight, ownerSlot);
        };
    }

    private static int segments(ChronicleMap<?, ?> chronicle) {
        return ChronicleMapInternals.segments(chronicle);
    }

    private static ChronicleStoreMap<?, ?, ?, ?> newStoreMap(String name, ChronicleMap<?, ?> chronicle,
                                                              ChronicleMap<?, ?> readHandle, Conversion<?, ?> keys,
                                                              Conversion<?, ?> values, StoreMetadata meta, Journal journal,
                                                              Path storeDir, FileModes modes, StripeTable stripes,
                                                              VersionTable versions, long nearCache) {
        long maxEntries = (long) Math.max(1, meta.entries() * meta.maxGrowth());
        String hint = "created for entries=" + meta.entries() + ", maxGrowth=" + meta.maxGrowth()
                + ", averageKeySize=" + meta.averageKeySize() + ", averageValueSize=" + meta.averageValueSize();
        ChronicleStoreMap.StoreParts parts = new ChronicleStoreMap.StoreParts(name, chronicle, keys, values, maxEntries, hint,
                journal, storeDir, modes, stripes, versions, nearCache);
        return ChronicleStoreMap.create(parts, readHandle, meta.maxEntries(), meta.maxBytes(),
                meta.expireAfterAccess() ? meta.ttlMillis() : 0);
    }

    /** How values of the store {@code meta} describes are stored: stamped (expiry, bound) or plain. */
    static <V> Conversion<V, ?> valueConversion(StoreMetadata meta, Codec<V> valueCodec) {
        return meta.stamped() ? Conversion.stamped(valueCodec, meta.ttlMillis()) : Conversion.of(valueCodec);
    }


    /**
     * Attaches to an existing map file. If a process died while attached and no process has the
     * map open now, the map is first repaired with Chronicle's recovery, which resets segment locks
     * a dead process held and checks every entry. Chronicle takes a shared OS lock on the map file
     * for as long as a process has it open, and the kernel drops it when the process dies, so an
     * exclusive try-lock that succeeds proves nobody else is attached; the store lock held here
     * keeps anyone from attaching meanwhile.
     */
    private static <KS, VS> ChronicleMap<KS, VS> attach(StoreMetadata meta, Conversion<?, KS> keys,
                                                        Conversion<?, VS> values, Path mapFile,
                                                        ProcessTable processes, Journal journal,
                                                        DeadlineMarks marks, VersionBumps bumps, OpenRepairs repairs)
            throws IOException {
        repairs.reaped = processes.reapDead();
        long crashes = processes.crashes();
        if (crashes > processes.recoveredCrashes() && nobodyAttached(mapFile)) {
            LOG.warn("store '{}': {} attached process(es) died since the last repair and none is attached now;"
                    + " repairing {}", meta.name(), crashes - processes.recoveredCrashes(), mapFile);
            try {
                ChronicleMap<KS, VS> repaired = builder(meta, keys, values, journal, marks, bumps)
                        .recoverPersistedTo(mapFile.toFile(), true,
                        corruption -> {
                            repairs.corruptions++;
                            LOG.warn("store '{}': repaired: {}", meta.name(), corruption.message());
                        });
                processes.markRecovered(crashes);
                repairs.mapRepaired = true;
                return repaired;
            } catch (IOException | RuntimeException e) {
                throw new CorruptStoreException("Store '" + meta.name() + "': repairing " + mapFile + " after a crash"
                        + " failed (" + e.getMessage() + "): restore the store from a backup", e);
            }
        }
        return build(meta, keys, values, mapFile, journal, marks, bumps);
    }

    /** See {@link dev.statestore.StoreAdmin#rebuild}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static RebuildReport rebuild(StoreMetadata meta, Path storeDir, Codec<?> keyCodec, Codec<?> valueCodec, FileModes modes) {
        String name = meta.name();
        Path mapFile = StoreFiles.mapFile(storeDir);
        try (StoreLock lock = StoreLock.acquire(storeDir, modes)) {
            boolean lost = !Files.exists(mapFile);
            if (!lost && !nobodyAttached(mapFile)) {
                throw new StateStoreException("Store '" + name + "' is attached by other processes ('statestore ls' shows"
                        + " them): stop them first, rebuild replaces the map file they have mapped");
            }
            if (!meta.journal()) {
                throw new IllegalStateException("Store '" + name + "' has no journal (created with journal=false):"
                        + " there is nothing to rebuild it from");
            }
            Replay.Result replayed;
            try (Journal journal = openJournal(meta, storeDir, modes)) {
                replayed = Replay.replay(journal, storeDir, Long.MAX_VALUE);
            }
            Conversion keys = Conversion.of(keyCodec);
            Conversion values = valueConversion(meta, valueCodec);
            Path fresh = storeDir.resolve(StoreFiles.MAP_FILE + ".rebuild");
            Files.deleteIfExists(fresh);
            modes.createFile(fresh);
            ChronicleMap rebuilt = build(meta, keys, values, fresh, null);
            try {
                for (Map.Entry<ByteBuffer, byte[]> e : replayed.state().entrySet()) {
                    byte[] key = new byte[e.getKey().remaining()];
                    e.getKey().duplicate().get(key);
                    rebuilt.put(keys.storedFromBytes(key), values.storedFromBytes(e.getValue()));
                }
            } finally {
                rebuilt.close();
            }
            Path previous = lost ? null : storeDir.resolve(StoreFiles.MAP_FILE + ".before-rebuild-"
                    + System.currentTimeMillis());
            if (!lost) {
                Files.move(mapFile, previous, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, mapFile, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("store '{}': map rebuilt from checkpoint {} and {} journal events; previous file kept as {}", name,
                    replayed.checkpointSequence(), replayed.events(), lost ? "(none: it was lost)" : previous);
            return new RebuildReport(name, replayed.checkpointSequence(), replayed.events(), replayed.state().size(), previous);
        } catch (IOException e) {
            throw new StateStoreException("Store '" + name + "': rebuild failed (" + e + "): the map file was not replaced", e);
        }
    }

    /** See {@link dev.statestore.StoreAdmin#compact}: copies every stored entry into a map file sized for {@code entries}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static CompactReport compact(StoreMetadata meta, Path storeDir, Codec<?> keyCodec, Codec<?> valueCodec,
                                 FileModes modes, long entries) {
        String name = meta.name();
        Path mapFile = StoreFiles.mapFile(storeDir);
        StoreMetadata resized = meta.withEntries(entries);
        try (StoreLock lock = StoreLock.acquire(storeDir, modes)) {
            if (!nobodyAttached(mapFile)) {
                throw new StateStoreException("Store '" + name + "' is attached by other processes ('statestore ls' shows"
                        + " them): stop them first, compact replaces the map file they have mapped");
            }
            Conversion keys = Conversion.of(keyCodec);
            Conversion values = valueConversion(meta, valueCodec);
            Path fresh = storeDir.resolve(StoreFiles.MAP_FILE + ".compact");
            Files.deleteIfExists(fresh);
            modes.createFile(fresh);
            long copied = 0;
            ChronicleMap old = build(meta, keys, values, mapFile, null);
            try {
                ChronicleMap rewritten = build(resized, keys, values, fresh, null);
                try {
                    for (Object o : old.entrySet()) {
                        Map.Entry e = (Map.Entry) o;
                        rewritten.put(e.getKey(), e.getValue());
                        copied++;
                    }
                } finally {
                    rewritten.close();
                }
            } catch (RuntimeException e) {
                Files.deleteIfExists(fresh);
                throw new StoreFullException("Store '" + name + "': " + entries + " entries are too few for its "
                        + old.longSize() + " entries (" + e.getMessage() + "): compact with a larger --entries", e);
            } finally {
                old.close();
            }
            long oldBytes = allocatedBytes(mapFile);
            Path previous = storeDir.resolve(StoreFiles.MAP_FILE + ".before-compact");
            Files.move(mapFile, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(fresh, mapFile, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(storeDir.resolve(dev.statestore.internal.lock.StripeTable.FILE_NAME)); // segment count may differ
            Files.deleteIfExists(storeDir.resolve(VersionTable.FILE_NAME)); // sized for the store's entries
            resized.write(storeDir, modes);
            Files.delete(previous);
            LOG.info("store '{}': compacted {} entries into a map file sized for {} entries (was {})", name, copied,
                    entries, meta.entries());
            return new CompactReport(name, copied, meta.entries(), entries, oldBytes, allocatedBytes(mapFile));
        } catch (IOException e) {
            throw new StateStoreException("Store '" + name + "': compact failed (" + e + "): the map file was not replaced", e);
        }
    }

    /** Bytes a (sparse) file takes on disk. */
    private static long allocatedBytes(Path file) throws IOException {
        try {
            Object blocks = Files.getAttribute(file, "unix:blocks");
            return blocks instanceof Long ? (Long) blocks * 512 : Files.size(file);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.size(file);
        }
    }

    /**
     * Sets {@code damaged}, a file of store {@code name} that holds only lock state, aside (renamed
     * with a {@code .damaged-<time>} suffix) so that the next open makes it again. Refused while a
     * process has the store's map mapped: its lock state is live.
     *
     * @return where the file was moved
     */
    public static Path setAsideLockState(String name, Path storeDir, Path damaged) {
        Path mapFile = StoreFiles.mapFile(storeDir);
        try (StoreLock lock = StoreLock.acquire(storeDir, new FileModes(false))) {
            if (Files.exists(mapFile) && !nobodyAttached(mapFile)) {
                throw new StateStoreException("Store '" + name + "' is attached by other processes ('statestore ls' shows"
                        + " them): stop them first, then run 'statestore recover " + name + "' again");
            }
            Path aside = damaged.resolveSibling(damaged.getFileName() + ".damaged-" + System.currentTimeMillis());
            Files.move(damaged, aside, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("store '{}': set the damaged {} aside as {}; it is made again", name, damaged, aside);
            return aside;
        } catch (IOException e) {
            throw new StateStoreException("Store '" + name + "': cannot set " + damaged + " aside (" + e + "): check the"
                    + " permissions of " + storeDir, e);
        }
    }

    private static boolean nobodyAttached(Path mapFile) throws IOException {
        try (FileChannel ch = FileChannel.open(mapFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, false);
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this JVM has the map open
        }
    }

    /**
     * Moves a journaled store of an older format to this build's: its journal's single queue is
     * kept and read as the journal's beginning, and appends go to a queue per writer process from
     * now on (see {@code Journal}). Only while no other process is attached: a process of an older
     * build would go on appending to the single queue.
     */
    private static StoreMetadata upgradeJournal(StoreMetadata meta, Path storeDir, ProcessTable processes,
                                                FileModes modes) throws IOException {
        List<AttachedProcess> others = processes.live();
        if (!others.isEmpty()) {
            throw new IncompatibleFormatException("Store '" + meta.name() + "' has format " + meta.format() + " (a journal"
                    + " every process appends to) and is attached by " + others.size() + " process(es) of an earlier"
                    + " statestore (pids " + others.stream().map(p -> String.valueOf(p.pid())).toList() + "): stop them,"
                    + " then open it again with this version, which moves it to format " + StoreMetadata.FORMAT
                    + " (a journal queue per writer process); processes of the earlier version cannot open it after that");
        }
        StoreMetadata upgraded = meta.upgraded();
        upgraded.write(storeDir, modes);
        LOG.info("store '{}': moved from format {} to {}: its journal now has a queue per writer process; the earlier"
                + " queue is kept and read first", meta.name(), meta.format(), upgraded.format());
        return upgraded;
    }

    private static Journal openJournal(StoreMetadata meta, Path storeDir, FileModes modes) {
        return meta.journal() ? Journal.open(meta.name(), storeDir, Durability.valueOf(meta.sync()),
                JournalRoll.valueOf(meta.journalRoll()), modes) : null;
    }

    static <KS, VS> ChronicleMapBuilder<KS, VS> builder(StoreMetadata meta, Conversion<?, KS> keys,
                                                       Conversion<?, VS> values, Journal journal) {
        return builder(meta, keys, values, journal, null, null);
    }

    /**
     * As above; {@code marks} (null: none) is told of every value written through the map (see
     * {@link DeadlineMarks}); {@code bumps} (null only for a map no process uses yet: compact, rebuild)
     * bumps the stripe's version before every change (see {@link VersionBumps}).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <KS, VS> ChronicleMapBuilder<KS, VS> builder(StoreMetadata meta, Conversion<?, KS> keys,
                                                               Conversion<?, VS> values, Journal journal,
                                                               DeadlineMarks marks, VersionBumps bumps) {
        ChronicleMapBuilder<KS, VS> builder = ChronicleMapBuilder.of(keys.storedClass(), values.storedClass())
                .name(meta.name())
                .entries(meta.entries())
                .maxBloatFactor(meta.maxGrowth());
        if (!keys.constantSize()) {
            builder.averageKeySize(meta.averageKeySize());
        }
        if (values.stamped()) {
            int payload = values.codec == BuiltinCodecs.INT64 ? Long.BYTES
                    : values.codec == BuiltinCodecs.INT32 ? Integer.BYTES : meta.averageValueSize();
            builder.averageValueSize(StampLayout.HEADER_BYTES + payload);
        } else if (!values.constantSize()) {
            builder.averageValueSize(meta.averageValueSize());
        }
        if (journal != null) {
            builder.entryOperations(new JournalingEntryOperations<>(journal, bumps != null ? bumps : new VersionBumps(), marks));
        } else if (bumps != null) {
            builder.entryOperations(new VersionedEntryOperations<>(bumps, marks));
        }
        return builder;
    }

    private static <KS, VS> ChronicleMap<KS, VS> build(StoreMetadata meta, Conversion<?, KS> keys,
                                                       Conversion<?, VS> values, Path mapFile, Journal journal) {
        return build(meta, keys, values, mapFile, journal, null, null);
    }

    private static <KS, VS> ChronicleMap<KS, VS> build(StoreMetadata meta, Conversion<?, KS> keys,
                                                       Conversion<?, VS> values, Path mapFile, Journal journal,
                                                       DeadlineMarks marks, VersionBumps bumps) {
        try {
            return builder(meta, keys, values, journal, marks, bumps).createPersistedTo(mapFile.toFile());
        } catch (IOException | RuntimeException e) {
            if (ChronicleErrors.noSpace(e)) {
                Path dir = mapFile.toAbsolutePath().getParent();
                long usable = ChronicleErrors.usableBytes(dir);
                throw new DiskFullException("Store '" + meta.name() + "': no room for its map file " + mapFile + " ("
                        + e.getMessage() + "; " + usable + " bytes usable): free space on that file system, or size the"
                        + " store smaller (entries, averageKeySize, averageValueSize)", dir, usable, e);
            }
            throw new CorruptStoreException("Store '" + meta.name() + "': Chronicle Map cannot open " + mapFile
                    + " (" + e.getMessage() + ")" + MapFileCheck.fix(meta.name(), mapFile.toAbsolutePath().getParent(), meta.journal()), e);
        }
    }

    private static void checkTypes(StoreMetadata meta, Codec<?> keyCodec, Codec<?> valueCodec, boolean checkTypeNames) {
        boolean keyOk = meta.keyCodec().equals(keyCodec.id())
                && (!checkTypeNames || meta.keyType().equals(keyCodec.type().getName()));
        boolean valueOk = meta.valueCodec().equals(valueCodec.id())
                && (!checkTypeNames || meta.valueType().equals(valueCodec.type().getName()));
        if (!keyOk || !valueOk) {
            throw new TypeMismatchException("Store '" + meta.name() + "' holds " + describe(meta.keyType(), meta.keyCodec())
                    + " -> " + describe(meta.valueType(), meta.valueCodec()) + " but was asked for "
                    + describe(keyCodec.type().getName(), keyCodec.id()) + " -> "
                    + describe(valueCodec.type().getName(), valueCodec.id())
                    + ": open it with the types it was created with, or use another store name");
        }
    }

    private static String describe(String type, String codec) {
        return type + " (" + codec + ")";
    }

    private static void setAsideOrphan(String name, Path mapFile) throws IOException {
        if (Files.exists(mapFile) && Files.size(mapFile) > 0) {
            Path aside = mapFile.resolveSibling(mapFile.getFileName() + ".orphan-" + System.currentTimeMillis());
            Files.move(mapFile, aside);
            LOG.warn("store '{}': {} had no metadata (a creation that never finished); moved it to {}", name, mapFile, aside);
        } else {
            Files.deleteIfExists(mapFile);
        }
    }
}
