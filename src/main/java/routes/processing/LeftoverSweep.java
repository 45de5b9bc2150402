package routes.processing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.document.DocumentStore;
import routes.job.JobStore;
import routes.source.Trees;
import routes.storage.ObjectKeys;
import routes.storage.ObjectStore;
import routes.storage.StoredObject;

/**
 * What a crash leaves behind, removed at start-up and then periodically by the {@code leftover-sweep} route:
 * entries of the temporary directory (upload parts, downloads, clones, unpacked archives) and stored objects whose
 * job was never committed (the process died between storing the upload and committing its job). Only what is older
 * than the minimum age goes: a temporary entry by the newest write anywhere inside it, an object by its last write.
 * The minimum age must exceed the longest an attempt may run (its stage deadlines) and an upload's idle timeout, so
 * nothing in use is ever removed, by this instance or another sharing the directory.
 */
public final class LeftoverSweep {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverSweep.class);
    private static final int BATCH = 500;

    private final JobStore jobs;
    private final DocumentStore documents;
    private final ObjectStore storage;
    private final String prefix;
    private final Path tempDir;
    private final Duration minAge;

    /** What one sweep removed. */
    public record Swept(int temporaryEntries, int orphanedObjects, int unpublishedDocuments) {
    }

    public LeftoverSweep(JobStore jobs, DocumentStore documents, ObjectStore storage, String prefix, Path tempDir,
            Duration minAge) {
        this.jobs = jobs;
        this.documents = documents;
        this.storage = storage;
        this.prefix = prefix;
        this.tempDir = tempDir;
        this.minAge = minAge;
    }

    public Swept sweep() {
        Instant cutoff = Instant.now().minus(minAge);
        Swept swept = new Swept(temporaryEntries(cutoff), orphanedObjects(cutoff), documents.purgeUnpublished());
        if (swept.temporaryEntries() > 0 || swept.orphanedObjects() > 0 || swept.unpublishedDocuments() > 0) {
            LOG.info("Removed what a crash left behind: {} temporary entries, {} objects no job refers to"
                    + " (older than {}), {} documents staged by attempts that will never complete",
                    swept.temporaryEntries(), swept.orphanedObjects(), minAge, swept.unpublishedDocuments());
        }
        return swept;
    }

    private int temporaryEntries(Instant cutoff) {
        if (!Files.isDirectory(tempDir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> entries = Files.list(tempDir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (newestWrite(entry).isBefore(cutoff)) {
                    Trees.delete(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot sweep the temporary directory {}: {}", tempDir, e.getMessage());
        }
        return removed;
    }

    /** The newest modification time of an entry and, for a folder, of anything inside it. */
    private static Instant newestWrite(Path entry) {
        try (Stream<Path> tree = Files.walk(entry)) {
            return tree.map(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant();
                } catch (IOException e) {
                    return Instant.now(); // vanished or unreadable while we looked: in use, keep it
                }
            }).max(Instant::compareTo).orElse(Instant.now());
        } catch (IOException | java.io.UncheckedIOException e) {
            return Instant.now();
        }
    }

    private int orphanedObjects(Instant cutoff) {
        Map<UUID, List<StoredObject>> batch = new HashMap<>();
        int[] removed = {0};
        storage.forEachOlderThan(cutoff, (object, modified) -> {
            ObjectKeys.jobOf(prefix, object.key()).ifPresent(job -> {
                batch.computeIfAbsent(job, k -> new ArrayList<>()).add(object);
                if (batch.size() >= BATCH) {
                    removed[0] += removeUnknown(batch);
                }
            });
        });
        return removed[0] + removeUnknown(batch);
    }

    private int removeUnknown(Map<UUID, List<StoredObject>> batch) {
        Set<UUID> known = jobs.known(batch.keySet());
        int removed = 0;
        for (var e : batch.entrySet()) {
            if (!known.contains(e.getKey())) {
                for (StoredObject object : e.getValue()) {
                    LOG.info("Removing {}: stored for job {}, which was never committed", object.key(), e.getKey());
                    storage.delete(object);
                    removed++;
                }
            }
        }
        batch.clear();
        return removed;
    }
}
