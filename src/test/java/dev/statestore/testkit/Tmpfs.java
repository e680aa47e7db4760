package dev.statestore.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A small tmpfs mounted for a test, to meet a really full disk; skips the test where this user may
 * not mount one (root is needed). Unmounted lazily on close: a failed test may leave a file mapped.
 */
public final class Tmpfs implements AutoCloseable {
    private static final long WAIT_SECONDS = 30;
    private final Path mount;

    private Tmpfs(Path mount) {
        this.mount = mount;
    }

    /** Mounts a tmpfs of {@code megabytes} at {@code dir}/mnt; {@code skipReason} says what covers the case instead. */
    public static Tmpfs mount(Path dir, int megabytes, String skipReason) throws IOException, InterruptedException {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs", mnt.toString());
        assumeTrue(mounted, "cannot mount a tmpfs here (needs root): " + skipReason);
        return new Tmpfs(mnt);
    }

    public Path path() {
        return mount;
    }

    /** Grows (or shrinks) the file system in place. */
    public void resize(int megabytes) throws IOException, InterruptedException {
        if (!run("mount", "-o", "remount,size=" + megabytes + "m", mount.toString())) {
            throw new IOException("cannot resize the tmpfs at " + mount);
        }
    }

    /** Fills what is left of the file system with one file, which it returns (delete it to free the space). */
    public Path fill() throws IOException {
        Path filler = mount.resolve("filler");
        byte[] block = new byte[64 << 10];
        try (java.io.OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (Files.getFileStore(mount).getUsableSpace() >= block.length) {
                throw full; // not the disk being full
            }
        }
        return filler;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", mount.toString());
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
