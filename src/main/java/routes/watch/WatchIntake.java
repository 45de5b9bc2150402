package routes.watch;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import routes.failure.InvalidRequest;
import routes.job.CreatedJob;
import routes.job.IngestJob;
import routes.job.JobIntake;
import routes.job.JobStore;
import routes.project.ProjectStore;
import routes.storage.ReceivedFile;
import routes.watch.WatchSettings.AfterRead;

/**
 * A claimed object becomes a job, as an upload would: its key names an existing project
 * ({@code <prefix><project_id>/<any path>}), its size is within the upload limit (checked from the listing, then
 * while it streams), it is read once while its SHA-256 is computed, its type is detected from the bytes and checked
 * against the allowed list and the object's own Content-Type. The job reads a copy stored under the service's own
 * prefix, so the watched object can move, change or go without touching it. The job, the ledger's acceptance and
 * (mirror mode) the key's new current job commit in one transaction.
 */
public final class WatchIntake {

    private final WatchSettings settings;
    private final WatchBucket bucket;
    private final WatchLedger ledger;
    private final WatchMirror mirror;
    private final JobStore jobs;
    private final JobIntake intake;
    private final ProjectStore projects;
    private final long maxBytes;
    private final Path tempDir;
    private final String owner;

    public WatchIntake(WatchSettings settings, WatchBucket bucket, WatchLedger ledger, WatchMirror mirror,
            JobStore jobs, JobIntake intake, ProjectStore projects, long maxBytes, Path tempDir, String owner) {
        this.settings = settings;
        this.bucket = bucket;
        this.ledger = ledger;
        this.mirror = mirror;
        this.jobs = jobs;
        this.intake = intake;
        this.projects = projects;
        this.maxBytes = maxBytes;
        this.tempDir = tempDir;
        this.owner = owner;
    }

    public CreatedJob ingest(WatchTask task) {
        WatchedObject o = task.object();
        UUID projectId = projectOf(o.key(), task.prefix());
        if (o.size() > maxBytes) {
            throw tooLarge(o);
        }
        ReceivedFile file = bucket.read(o, maxBytes, tempDir);
        try {
            IngestJob job = intake.fromObject(projectId, file, o.uri(), (c, created) -> {
                ledger.accept(c, o, owner, created.id());
                if (settings.afterRead() == AfterRead.MIRROR) {
                    mirror.record(c, o, created.id());
                    if (task.supersedes() != null) {
                        jobs.supersedes(c, created.id(), task.supersedes());
                    }
                }
            });
            task.round().accepted.incrementAndGet();
            return new CreatedJob(job, true);
        } catch (InvalidRequest e) {
            throw new ObjectRejected(e.getMessage(), e.getMessage().startsWith("Unsupported content type")
                    ? "CORTEX_STORAGE_ALLOWED_CONTENT_TYPES" : null);
        } finally {
            intake.discard(file);
        }
    }

    /** The project a key belongs to: {@code <prefix><project_id>/<at least one more segment>}, an existing project. */
    UUID projectOf(String key, String prefix) {
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new ObjectRejected("Key at the wrong depth: " + key + " (expected " + prefix
                    + "<project_id>/<file>)", "CORTEX_WATCH_PREFIXES");
        }
        String segment = rest.substring(0, slash);
        Optional<UUID> id = routes.project.Ids.parse(segment);
        if (id.isEmpty()) {
            throw new ObjectRejected("Not a project id: '" + segment + "' in " + key + " (expected " + prefix
                    + "<project_id>/<file>)", "CORTEX_WATCH_PREFIXES");
        }
        if (projects.find(id.get()).isEmpty()) {
            throw new ObjectRejected("Unknown project " + id.get() + " in " + key + " (create the project first)", null);
        }
        return id.get();
    }

    private ObjectRejected tooLarge(WatchedObject o) {
        return new ObjectRejected("Object too large: " + o.size() + " bytes, the limit is " + maxBytes + " bytes ("
                + o.uri() + ")", "CORTEX_STORAGE_MAX_UPLOAD_MB");
    }
}
