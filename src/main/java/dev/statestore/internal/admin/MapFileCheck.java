package dev.statestore.internal.admin;

import dev.statestore.CorruptStoreException;
import dev.statestore.internal.chronicle.ChronicleMapInternals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks a store's map file before Chronicle Map touches it. Chronicle waits a full minute on a
 * header that never becomes ready and would map a file shorter than its header promises (SIGBUS
 * on first access); these checks turn such files into a {@link CorruptStoreException} at once.
 * Chronicle itself then verifies the header checksum and the data size against the file length.
 *
 * <pre>
 *  0        8           12                          12 + header size
 *  +--------+-----------+---------------------------+-------------------------------
 *  | hash   | size word | self-bootstrapping header | global state, segments, tiers
 *  |        | READY|len | (text: the map's config)  |
 *  +--------+-----------+---------------------------+-------------------------------
 * </pre>
 */
public final class MapFileCheck {
    private static final String HEADER_MARK = "VanillaChronicleMap";

    private MapFileCheck() {
    }

    /**
     * What to do about a lost or damaged map file: rebuild it from the journal (with no process
     * attached), or, for a store without one, restore a backup over it. Both as commands that work
     * as written ({@code restore} refuses a store that exists, so the damaged one is moved aside first).
     */
    public static String fix(String store, Path storeDir, boolean hasJournal) {
        String restore = "move " + storeDir.toAbsolutePath() + " aside, then run 'statestore restore DIR/" + store
                + "' with DIR the directory given to 'statestore backup'";
        return hasJournal
                ? ": with no process using store '" + store + "', run 'statestore rebuild " + store + "' to make the map"
                        + " again from its journal (the damaged file is kept aside); or, to go back to a backup, " + restore
                : ": the store has no journal to rebuild it from: restore a backup: with no process using the store, " + restore;
    }

    public static void check(String store, Path mapFile, boolean hasJournal) {
        String fix = fix(store, mapFile.getParent(), hasJournal);
        long size;
        try {
            size = Files.size(mapFile);
        } catch (NoSuchFileException e) {
            throw new CorruptStoreException("Store '" + store + "': its map file " + mapFile + " is missing" + fix, e);
        } catch (IOException e) {
            throw new CorruptStoreException("Store '" + store + "': cannot read " + mapFile + " (" + e + ")"
                    + ": check the permissions of the data directory", e);
        }
        if (size == 0) {
            throw new CorruptStoreException("Store '" + store + "': its map file " + mapFile + " is empty (0 bytes)" + fix);
        }
        if (size < ChronicleMapInternals.HEADER_OFFSET + HEADER_MARK.length()) {
            throw new CorruptStoreException("Store '" + store + "': its map file " + mapFile + " is truncated ("
                    + size + " bytes)" + fix);
        }
        try (FileChannel ch = FileChannel.open(mapFile, StandardOpenOption.READ)) {
            ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(word, ChronicleMapInternals.HEADER_SIZE_WORD_OFFSET);
            int sizeWord = word.getInt(0);
            int headerSize = ChronicleMapInternals.headerSize(sizeWord);
            if (!ChronicleMapInternals.headerReady(sizeWord) || headerSize <= 0 || headerSize > 1 << 20) {
                throw new CorruptStoreException("Store '" + store + "': " + mapFile
                        + " is not a Chronicle Map file (no valid header)" + fix);
            }
            if (ChronicleMapInternals.HEADER_OFFSET + (long) headerSize > size) {
                throw new CorruptStoreException("Store '" + store + "': its map file " + mapFile + " is truncated ("
                        + size + " bytes, shorter than its own header)" + fix);
            }
            ByteBuffer header = ByteBuffer.allocate(Math.min(headerSize, 256));
            ch.read(header, ChronicleMapInternals.HEADER_OFFSET);
            String text = new String(header.array(), 0, header.position(), StandardCharsets.ISO_8859_1);
            if (!text.contains(HEADER_MARK)) {
                throw new CorruptStoreException("Store '" + store + "': " + mapFile
                        + " is not a Chronicle Map file (foreign header)" + fix);
            }
        } catch (IOException e) {
            throw new CorruptStoreException("Store '" + store + "': cannot read " + mapFile + " (" + e + ")" + fix, e);
        }
    }
}
