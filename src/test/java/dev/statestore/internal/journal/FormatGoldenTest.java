package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent;
import dev.statestore.ChangeType;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Files and records written by earlier versions stay readable: a version 1 checkpoint kept as a
 * golden file, and journal events laid out byte by byte as EventLayout version 1 documents them.
 */
class FormatGoldenTest {

    @Test
    void aVersionOneCheckpointFileIsRead() throws IOException, URISyntaxException {
        Path storeDir = Path.of(Objects.requireNonNull(getClass().getResource("/golden/checkpoint-v1")).toURI());
        Checkpoint checkpoint = Checkpoint.latest(storeDir);
        assertEquals(42, checkpoint.sequence());
        Map<ByteBuffer, byte[]> state = new HashMap<>();
        checkpoint.load(state);
        assertEquals(2, state.size());
        assertArrayEquals(bytes("two"), state.get(ByteBuffer.wrap(bytes("beta"))));
    }

    @Test
    void aVersionOneEventIsDecodedAsLaidOut() {
        ByteBuffer b = ByteBuffer.allocate(28 + 1 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) ChangeType.PUT.code()).putShort((short) 0).putInt(4321)
                .putLong(1_795_000_000_000_000_000L).putInt(7).putInt(1).putInt(2)
                .put(bytes("k")).put(bytes("v1"));
        RawEvent e = EventLayout.decode(99, Bytes.wrapForRead(b.array()));
        assertEquals(99, e.sequence());
        assertEquals(ChangeType.PUT, e.type());
        assertEquals(4321, e.writerPid());
        assertEquals(1_795_000_000_000_000_000L, e.timeNanos());
        assertEquals(7, e.stripe());
        assertArrayEquals(bytes("k"), e.key());
        assertArrayEquals(bytes("v1"), e.value());

        ByteBuffer removal = ByteBuffer.allocate(28 + 1).order(ByteOrder.LITTLE_ENDIAN);
        removal.put((byte) 1).put((byte) ChangeType.EXPIRE.code()).putShort((short) 0).putInt(1).putLong(0)
                .putInt(-1).putInt(1).putInt(-1).put(bytes("k"));
        RawEvent expired = EventLayout.decode(100, Bytes.wrapForRead(removal.array()));
        assertEquals(ChangeType.EXPIRE, expired.type());
        assertNull(expired.value());
    }

    @Test
    void anEventOfAnUnknownLayoutVersionIsRefused() {
        byte[] future = new byte[36];
        future[0] = 4;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EventLayout.decode(1, Bytes.wrapForRead(future)));
        assertEquals("journal event 1 has layout version 4; this statestore reads versions 1 to 3", e.getMessage());
    }

    @Test
    void aVersionTwoEventWithAnOriginIsDecodedAsLaidOutAndTheNextEventFollowsIt() {
        byte[] host = bytes("host-a");
        ByteBuffer b = ByteBuffer.allocate(2 * (28 + 1 + 2 + 10 + host.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2; i++) {
            b.put((byte) 2).put((byte) ChangeType.PUT.code()).putShort((short) 1).putInt(4321)
                    .putLong(5L).putInt(7).putInt(1).putInt(2)
                    .put(bytes("k")).put(bytes("v" + i))
                    .putLong(1000L + i).putShort((short) host.length).put(host);
        }
        Bytes<?> wrapped = Bytes.wrapForRead(b.array());
        RawEvent first = EventLayout.decode(99, wrapped);
        assertArrayEquals(bytes("v0"), first.value());
        assertEquals(new ChangeEvent.Origin("host-a", 1000L), first.origin());
        RawEvent second = EventLayout.decode(99, wrapped);
        assertArrayEquals(bytes("v1"), second.value());
        assertEquals(new ChangeEvent.Origin("host-a", 1001L), second.origin());
        assertEquals(0, wrapped.readRemaining());
    }

    @Test
    void aVersionOneEventHasNoOrigin() {
        ByteBuffer b = ByteBuffer.allocate(28 + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) ChangeType.REMOVE.code()).putShort((short) 0).putInt(1).putLong(0)
                .putInt(-1).putInt(1).putInt(-1).put(bytes("k"));
        assertNull(EventLayout.decode(1, Bytes.wrapForRead(b.array())).origin());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
