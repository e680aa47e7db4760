package dev.statestore.internal.platform;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates files and directories that other users cannot read: 0600 and 0700, or 0660 and 0770
 * when the store is shared with a group. Files Chronicle creates with the process umask are set to
 * the file mode after it made them ({@link #restrict}); the directory mode covers them until then.
 */
public final class FileModes {
    private final Set<PosixFilePermission> fileMode;
    private final Set<PosixFilePermission> dirMode;

    public FileModes(boolean groupAccess) {
        this.fileMode = PosixFilePermissions.fromString(groupAccess ? "rw-rw----" : "rw-------");
        this.dirMode = PosixFilePermissions.fromString(groupAccess ? "rwxrwx---" : "rwx------");
    }

    /** Creates {@code dir} (and missing parents) with the directory mode; an existing one is left as it is. */
    public void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) {
            createDirectories(parent);
        }
        try {
            if (posix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(dirMode));
                Files.setPosixFilePermissions(dir, dirMode); // the umask may have taken bits away
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** Creates an empty file with the file mode, or returns false if it exists. */
    public boolean createFile(Path file) throws IOException {
        try {
            if (posix(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(fileMode));
                Files.setPosixFilePermissions(file, fileMode);
            } else {
                Files.createFile(file);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /**
     * Sets the file mode on an existing file a library created with the process umask (Chronicle
     * Queue's cycle and metadata files); a file that is gone meanwhile is left alone.
     */
    public void restrict(Path file) {
        try {
            if (posix(file) && !Files.getPosixFilePermissions(file).equals(fileMode)) {
                Files.setPosixFilePermissions(file, fileMode);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // deleted by retention or moved aside: nothing to restrict
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot set the mode of " + file + " (" + e + ")", e);
        }
    }

    private static boolean posix(Path p) {
        Path dir = p.toAbsolutePath().getParent();
        return dir != null && Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    }
}
