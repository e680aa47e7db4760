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
 * when the store is shared with a group. The directory mode also covers the files Chronicle
 * creates inside it with the process umask.
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

    private static boolean posix(Path p) {
        Path dir = p.toAbsolutePath().getParent();
        return dir != null && Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    }
}
