package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.api.Json;
import routes.db.Database;
import routes.support.QueuedJobs;
import routes.job.JobEvents;
import routes.job.JobStatus;
import routes.job.JobStore;
import routes.project.Project;
import routes.project.ProjectStore;
import routes.storage.LocalStorage;
import routes.storage.ObjectKeys;
import routes.storage.ObjectStore;
import routes.storage.S3Storage;
import routes.storage.StoredObject;
import routes.support.S3ProxyServer;
import routes.support.TestDatabase;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a crash leaves behind goes, and nothing else: old temporary entries (by their newest write), and objects of
 * jobs that were never committed, on local storage and on a real S3 server. Fresh entries, the objects of every
 * committed job and keys of another shape stay.
 */
class LeftoverSweepTest {

    @TempDir
    Path dir;

    private static final Instant LONG_AGO = Instant.now().minus(Duration.ofHours(7));

    @Test
    void oldTemporaryEntriesAndObjectsOfUncommittedJobsGo() throws Exception {
        try (Database db = database()) {
            JobStore jobs = new JobStore(db, new JobEvents(db, Json.mapper()));
            UUID project = UUID.randomUUID();
            UUID committed = committedJob(db, jobs);
            LocalStorage storage = new LocalStorage(dir.resolve("objects"), "uploads");
            StoredObject kept = put(storage, project, committed, LONG_AGO);
            StoredObject orphan = put(storage, project, UUID.randomUUID(), LONG_AGO);
            StoredObject fresh = put(storage, project, UUID.randomUUID(), Instant.now());
            Path otherShape = dir.resolve("objects/uploads/notes.txt");
            Files.writeString(otherShape, "not an object of a job");
            Files.setLastModifiedTime(otherShape, FileTime.from(LONG_AGO));

            Path temp = Files.createDirectories(dir.resolve("tmp"));
            Path oldPart = touch(temp.resolve("upload-1.part"), LONG_AGO);
            Path freshPart = touch(temp.resolve("upload-2.part"), Instant.now());
            Path oldClone = Files.createDirectories(temp.resolve("clone-1/src"));
            touch(oldClone.resolve("a.txt"), LONG_AGO);
            Files.setLastModifiedTime(oldClone, FileTime.from(LONG_AGO));
            Files.setLastModifiedTime(oldClone.getParent(), FileTime.from(LONG_AGO));
            Path busyClone = Files.createDirectories(temp.resolve("clone-2"));
            touch(busyClone.resolve("old.txt"), LONG_AGO);
            touch(busyClone.resolve("being-written.txt"), Instant.now());

            var swept = new LeftoverSweep(jobs, new routes.document.DocumentStore(db), storage, "uploads", temp,
                    Duration.ofHours(6)).sweep();

            assertThat(swept).isEqualTo(new LeftoverSweep.Swept(2, 1, 0));
            assertThat(oldPart).doesNotExist();
            assertThat(temp.resolve("clone-1")).doesNotExist();
            assertThat(freshPart).exists();
            assertThat(busyClone.resolve("old.txt")).as("a folder still written to is in use").exists();
            assertThat(orphan.path()).doesNotExist();
            assertThat(kept.path()).exists();
            assertThat(fresh.path()).as("may be a job committing now").exists();
            assertThat(otherShape).exists();
        }
    }

    @Test
    void objectsOfUncommittedJobsGoFromS3() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"));
        try (Database db = database(); S3Client client = s3.client()) {
            JobStore jobs = new JobStore(db, new JobEvents(db, Json.mapper()));
            S3Storage storage = new S3Storage(client, "sweep-bucket", "uploads", "us-east-1");
            storage.ensureBucket();
            UUID project = UUID.randomUUID();
            UUID committed = committedJob(db, jobs);
            Path file = Files.writeString(dir.resolve("a.txt"), "hello");
            storage.put(file, project, committed, "a.txt", "0".repeat(64));
            StoredObject orphan = storage.put(file, project, UUID.randomUUID(), "a.txt", "0".repeat(64));
            // what S3Proxy killed during a PUT leaves (jclouds writes <name>-<uuid>, then renames): listed as an
            // object of a job that was never committed (seen in a fault-suite run with S3 stopped mid-upload)
            Path halfWritten = s3.file("sweep-bucket", ObjectKeys.key("uploads", project, UUID.randomUUID(), "a.txt")
                    + "-" + UUID.randomUUID());
            Files.createDirectories(halfWritten.getParent());
            Files.writeString(halfWritten, "hel");

            var swept = new LeftoverSweep(jobs, new routes.document.DocumentStore(db), storage, "uploads",
                    dir.resolve("no-tmp"), Duration.ZERO).sweep();

            assertThat(swept.orphanedObjects()).isEqualTo(2);
            assertThat(halfWritten).doesNotExist();
            List<String> left = new ArrayList<>();
            storage.forEachOlderThan(Instant.now().plusSeconds(60), (o, t) -> left.add(o.key()));
            assertThat(left).hasSize(1).allMatch(k -> k.contains(committed.toString())).noneMatch(k -> k.equals(orphan.key()));
        } finally {
            s3.close();
        }
    }

    private Database database() {
        Database db = new Database(TestDatabase.sqlite(dir), null, null, 2, Duration.ofSeconds(5));
        db.migrate();
        return db;
    }

    private static UUID committedJob(Database db, JobStore jobs) {
        Project project = new ProjectStore(db).create("sweep " + UUID.randomUUID(), null);
        UUID jobId = UUID.randomUUID();
        db.inTransaction(c -> {
            jobs.insert(c, QueuedJobs.job(jobId, project.id(), new ProjectStore(db).defaultSource(c, project.id()), JobStatus.QUEUED, 0));
            return null;
        });
        return jobId;
    }

    private StoredObject put(ObjectStore storage, UUID project, UUID job, Instant modified) throws Exception {
        Path file = Files.writeString(dir.resolve(UUID.randomUUID() + ".txt"), "bytes");
        StoredObject stored = storage.put(file, project, job, "doc.txt", null);
        Files.setLastModifiedTime(stored.path(), FileTime.from(modified));
        return stored;
    }

    private static Path touch(Path file, Instant modified) throws Exception {
        Files.writeString(file, "x");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
