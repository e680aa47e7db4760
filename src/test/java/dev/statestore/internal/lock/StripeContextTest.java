package dev.statestore.internal.lock;

import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.platform.FileModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class StripeContextTest {
    private static final FileModes MODES = new FileModes(false);

    @TempDir
    Path dir;

    /** A compute function of store A that uses store B: after B's operation, A's stripe is the held one again. */
    @Test
    void nestedOperationRestoresTheOuterStripe() throws Exception {
        StripeTable a = table("a");
        StripeTable b = table("b");
        StripeContext thread = a.enter(3);
        assertSame(StripeContext.current(), thread);
        assertEquals(3, thread.stripe());
        StripeContext inner = b.enter(5);
        assertSame(thread, inner);
        assertEquals(5, thread.stripe());
        StripeContext innermost = a.enter(4); // another segment of the same store
        assertEquals(4, innermost.stripe());
        a.exit(innermost);
        assertEquals(5, thread.stripe());
        b.exit(inner);
        assertEquals(3, thread.stripe(), "the outer operation's journal entry records its own stripe");
        a.exit(thread);
        assertEquals(-1, thread.stripe());
        for (int stripe : new int[] {3, 4}) { // all released: another thread takes them at once
            CompletableFuture.runAsync(() -> a.exit(a.enter(stripe))).get(10, TimeUnit.SECONDS);
        }
        CompletableFuture.runAsync(() -> b.exit(b.enter(5))).get(10, TimeUnit.SECONDS);
    }

    private StripeTable table(String store) throws IOException {
        Path storeDir = dir.resolve(store);
        MODES.createDirectories(storeDir);
        ProcessTable processes = ProcessTable.openOrCreate(store, storeDir, MODES);
        return StripeTable.openOrCreate(store, storeDir, 8, processes, processes.claim(), 10_000, MODES);
    }
}
