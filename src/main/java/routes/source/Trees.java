package routes.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removal of temporary directory trees (clones, unpacked archives). */
public final class Trees {

    private Trees() {
    }

    /** A new, empty directory for one attempt's tree (a clone, an unpacked archive) under the temporary directory. */
    public static Path createTemporary(Path tempDir, String prefix) {
        try {
            Files.createDirectories(tempDir);
            return Files.createTempDirectory(tempDir, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory under " + tempDir, e);
        }
    }

    /** Removes a file or a whole directory tree; symlinks are removed, never followed. */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }

    /** For clean-up on a path that already failed: the first error is the one to report. */
    static void deleteQuietly(Path root) {
        try {
            delete(root);
        } catch (UncheckedIOException ignored) {
            // the original failure is more telling than a left-over temp directory
        }
    }
}
