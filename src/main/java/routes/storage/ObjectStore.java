package routes.storage;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where uploaded and inline content is kept: a local directory or an S3 bucket. Objects are keyed
 * {@code <prefix>/<project_id>/<job_id>/<sanitized name>} and carry their SHA-256.
 */
public interface ObjectStore {

    /** Stores a validated file and returns where it now lives; the caller removes whatever is left of the file. */
    StoredObject put(Path file, UUID projectId, UUID jobId, String fileName, String sha256);

    /** Removes an object: compensation for a job that was not created, or an object no job refers to. */
    void delete(StoredObject object);

    /** Whether a job's source URI names an object of this store. */
    boolean holds(String sourceUri);

    /** Whether the object a source URI names exists (checked when a job names it). */
    boolean exists(String sourceUri);

    /**
     * A local file with the object's bytes, for the worker: the object's own file for local storage, a download into
     * {@code tempDir} for S3 ({@link LocalCopy#temporary()}: the caller deletes it).
     */
    LocalCopy fetch(String sourceUri, Path tempDir);

    /**
     * Every object of this store last written before {@code cutoff}, with when that was: for the sweep of objects
     * no job refers to (stored just before a crash, whose job was never committed).
     */
    void forEachOlderThan(java.time.Instant cutoff, java.util.function.BiConsumer<StoredObject, java.time.Instant> action);

    /** Throws when the store cannot be used now (the bucket unreachable, the directory not writable): readiness. */
    void check();

    /** A local file holding an object's bytes. */
    record LocalCopy(Path path, boolean temporary) {
    }
}
