package dev.statestore.internal.files;

import dev.statestore.internal.platform.FileModes;
import dev.statestore.internal.platform.ProcessIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.statestore.internal.files.ProcessTableLayout.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slot being claimed holds the claimer's PID before its start time: whoever checks liveness in
 * between must not take the previous claimer's start time for the new one's and reap a live process
 * (which then lost its stripes to a takeover while it held them, under many process starts).
 */
class ProcessTableTest {
    @TempDir
    Path storeDir;

    @Test
    void aSlotWhoseStartTimeIsNotWrittenYetIsNotReapedWhileItsProcessLives() throws IOException {
        ProcessTable processes = ProcessTable.openOrCreate("s", storeDir, new FileModes(false));
        int slot = processes.claim();
        long generation = processes.generation(slot);
        try (FileChannel ch = FileChannel.open(storeDir.resolve("procs.tbl"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer raw = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize(processes.slots()));
            int off = slotOffset(slot);
            raw.putLong(off + START_MILLIS_OFFSET, ProcessIdentity.startMillis() - 3_600_000); // the previous claimer's
            long claimed = raw.order(ByteOrder.LITTLE_ENDIAN).getLong(off + OWNER_OFFSET);
            raw.putLong(off + OWNER_OFFSET, claimed | STARTING); // as between the claim and the start time's write

            assertEquals(0, processes.reapDead(), "a claim in progress is not a dead process");
            assertTrue(processes.isLive(slot, generation, 32));
            assertEquals(ProcessIdentity.pid(), processes.pid(slot));

            raw.putLong(off + OWNER_OFFSET, claimed); // the flag gone, the start time still not this process's
            assertFalse(processes.isLive(slot, generation, 32), "a start time that does not match is another process");
        }
    }
}
