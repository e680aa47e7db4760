package dev.statestore.bench.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Writes workload W for Redis to stdout as RESP {@code SET} commands, for {@code redis-cli --pipe}:
 * {@code RespLoad KEYS VALUE_SIZE}. Keys are {@code key-%012d} (16 bytes), the form
 * {@code redis-benchmark} gives {@code key-__rand_int__}, so its GETs hit every key; values are
 * random bytes.
 */
public final class RespLoad {
    private RespLoad() {
    }

    public static void main(String[] args) throws IOException {
        long keys = Long.parseLong(args[0]);
        int valueSize = Integer.parseInt(args[1]);
        SplittableRandom random = new SplittableRandom(2026);
        byte[][] pool = new byte[1024][valueSize];
        for (byte[] v : pool) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) random.nextInt(256);
            }
        }
        byte[] head = ("*3\r\n$3\r\nSET\r\n$16\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] valueHead = ("\r\n$" + valueSize + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = {'\r', '\n'};
        byte[] key = "key-000000000000".getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = new BufferedOutputStream(System.out, 1 << 20)) {
            for (long k = 0; k < keys; k++) {
                long n = k;
                for (int at = key.length - 1; at >= 4; at--, n /= 10) {
                    key[at] = (byte) ('0' + n % 10);
                }
                out.write(head);
                out.write(key);
                out.write(valueHead);
                out.write(pool[(int) (k & 1023)]);
                out.write(crlf);
            }
        }
    }
}
