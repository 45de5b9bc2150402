package routes.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

import routes.failure.PermanentFailure;

/** The local storage backend: objects are files under one directory, keyed like S3 objects. */
public final class LocalStorage implements ObjectStore {

    private final Path root;
    private final String prefix;

    public LocalStorage(Path root, String prefix) {
        this.root = root;
        this.prefix = prefix;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the storage directory " + root, e);
        }
    }

    @Override
    public void check() {
        try {
            // the directory appears with the first upload; a missing one that can be made is no failure
            java.nio.file.Files.createDirectories(root);
        } catch (java.io.IOException e) {
            throw new StorageUnavailableException("storage directory " + root + " cannot be created: " + e.getMessage(), e);
        }
        if (!java.nio.file.Files.isWritable(root)) {
            throw new StorageUnavailableException("storage directory " + root + " is not a writable directory", null);
        }
    }

    public Path root() {
        return root;
    }

    /** Moves the validated file into place (a rename within one file system: no second copy of the bytes). */
    @Override
    public StoredObject put(Path source, UUID projectId, UUID jobId, String fileName, String sha256) {
        String key = ObjectKeys.key(prefix, projectId, jobId, fileName);
        Path target = root.resolve(key).normalize();
        try {
            Files.createDirectories(target.getParent());
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageUnavailableException("cannot write " + key + " to local storage: " + e.getMessage(), e);
        }
        return new StoredObject(key, target.toUri().toString(), target);
    }

    /** Removes an object and the folders left empty by it. */
    @Override
    public void delete(StoredObject object) {
        try {
            Files.deleteIfExists(object.path());
            Path dir = object.path().getParent();
            while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
                Files.delete(dir);
                dir = dir.getParent();
            }
        } catch (DirectoryNotEmptyException e) {
            // other objects live there: the folder stays
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Objects are files under the root; a local file elsewhere is a job source, not an object of this store. */
    @Override
    public boolean holds(String sourceUri) {
        return sourceUri != null && sourceUri.startsWith("file:")
                && Path.of(java.net.URI.create(sourceUri)).normalize().startsWith(root);
    }

    @Override
    public boolean exists(String sourceUri) {
        return holds(sourceUri) && Files.isRegularFile(Path.of(java.net.URI.create(sourceUri)));
    }

    @Override
    public void forEachOlderThan(java.time.Instant cutoff,
            java.util.function.BiConsumer<StoredObject, java.time.Instant> action) {
        Path base = prefix.isEmpty() ? root : root.resolve(prefix);
        if (!Files.isDirectory(base)) {
            return;
        }
        try (var files = Files.walk(base)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                java.time.Instant modified = Files.getLastModifiedTime(file).toInstant();
                if (modified.isBefore(cutoff)) {
                    String key = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                    action.accept(new StoredObject(key, file.toUri().toString(), file), modified);
                }
            }
        } catch (IOException e) {
            throw new StorageUnavailableException("cannot list local storage " + base + ": " + e.getMessage(), e);
        }
    }

    /** The object's own file: nothing to copy, nothing to remove afterwards. */
    @Override
    public LocalCopy fetch(String sourceUri, Path tempDir) {
        Path file = Path.of(java.net.URI.create(sourceUri));
        if (!Files.isRegularFile(file)) {
            throw new PermanentFailure("Source not found: " + sourceUri);
        }
        return new LocalCopy(file, false);
    }
}
