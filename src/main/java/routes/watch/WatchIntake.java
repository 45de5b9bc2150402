package routes.watch;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import routes.failure.InvalidRequest;
import routes.failure.RefusedContent;
import routes.job.CreatedJob;
import routes.job.IngestJob;
import routes.job.JobIntake;
import routes.project.ProjectStore;
import routes.storage.ObjectKeys;
import routes.storage.ReceivedFile;
import routes.watch.WatchSettings.AfterRead;

/**
 * A claimed object becomes a job, as an upload would: its key names an existing project
 * ({@code <prefix><project_id>/<any path>}) and holds no control character, its size is within the upload limit
 * (checked from the listing, then while it streams), it is read once while its SHA-256 is computed, its type is
 * detected from the bytes and checked against the allowed list and the object's own Content-Type. The job reads a
 * copy stored under the service's own prefix, so the watched object can move, change or go without touching it.
 * The job, the ledger's acceptance and (mirror mode) the key's new current job commit in one transaction.
 */
public final class WatchIntake {

    private final WatchSettings settings;
    private final WatchBucket bucket;
    private final WatchLedger ledger;
    private final WatchMirror mirror;
    private final JobIntake intake;
    private final ProjectStore projects;
    private final long maxBytes;
    private final Path tempDir;
    private final String owner;

    public WatchIntake(WatchSettings settings, WatchBucket bucket, WatchLedger ledger, WatchMirror mirror,
            JobIntake intake, ProjectStore projects, long maxBytes, Path tempDir, String owner) {
        this.settings = settings;
        this.bucket = bucket;
        this.ledger = ledger;
        this.mirror = mirror;
        this.intake = intake;
        this.projects = projects;
        this.maxBytes = maxBytes;
        this.tempDir = tempDir;
        this.owner = owner;
    }

    public CreatedJob ingest(WatchTask task) {
        WatchedObject o = task.object();
        UUID projectId = projectOf(o.key(), task.prefix());
        saneName(o);
        try {
            if (o.size() > maxBytes) {
                throw new RefusedContent(RefusedContent.Reason.TOO_LARGE, "Object too large: " + o.size()
                        + " bytes, the limit is " + maxBytes + " bytes (" + o.uri() + ")");
            }
            ReceivedFile file = bucket.read(o, maxBytes, tempDir);
            try {
                IngestJob job = intake.fromObject(projectId, file, o.uri(), (c, created) -> {
                    ledger.accept(c, o, owner, created.id());
                    if (settings.afterRead() == AfterRead.MIRROR) {
                        // the object's key is the job's document key: its completion supersedes the key's previous job
                        mirror.record(c, o, created.id());
                    }
                });
                task.round().accepted.incrementAndGet();
                return new CreatedJob(job, true);
            } finally {
                intake.discard(file);
            }
        } catch (RefusedContent e) {
            throw ObjectRejected.of(e);
        } catch (InvalidRequest e) {
            throw new ObjectRejected(e.getMessage(), null, null);
        }
    }

    /**
     * The key's segments become the job's source path and file name: the same rule as an uploaded file's name
     * (no control characters), or the object is rejected before it is read.
     */
    private static void saneName(WatchedObject o) {
        if (o.key().codePoints().anyMatch(cp -> Character.isISOControl(cp) || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069))) {
            throw new ObjectRejected("Key contains control characters: " + o.uri().replaceAll("\\p{Cntrl}", "?"), null,
                    "rename the object without control characters (tabs, line breaks and the like)");
        }
        try {
            ObjectKeys.clientFileName(o.fileName());
        } catch (InvalidRequest e) {
            throw new ObjectRejected(e.getMessage() + " (" + o.uri() + ")", null, "rename the object");
        }
    }

    /** The project a key belongs to: {@code <prefix><project_id>/<at least one more segment>}, an existing project. */
    UUID projectOf(String key, String prefix) {
        String rest = key.substring(prefix.length());
        String layout = "put files under " + prefix + "<project_id>/";
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new ObjectRejected("Key at the wrong depth: " + key + " (expected " + prefix
                    + "<project_id>/<file>)", null, layout);
        }
        String segment = rest.substring(0, slash);
        Optional<UUID> id = routes.project.Ids.parse(segment);
        if (id.isEmpty()) {
            throw new ObjectRejected("Not a project id: '" + segment + "' in " + key + " (expected " + prefix
                    + "<project_id>/<file>)", null, layout);
        }
        if (projects.find(id.get()).isEmpty()) {
            throw new ObjectRejected("Unknown project " + id.get() + " in " + key + " (create the project first)",
                    null, "create the project, then put the object again");
        }
        return id.get();
    }
}
