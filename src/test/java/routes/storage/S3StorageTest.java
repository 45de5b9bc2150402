package routes.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.LargeUploads;
import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Uploads on the S3 backend, against a real S3 protocol server (S3Proxy). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3StorageTest {

    static final String BUCKET = "cortex-test-bucket";

    Path tmp;
    S3ProxyServer s3;
    S3Client client;
    TestApp app;

    @BeforeAll
    void start(@TempDir Path dir) {
        tmp = dir;
        s3 = S3ProxyServer.start(dir);
        client = s3.client();
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                "cortex.storage.backend", "s3",
                "cortex.storage.bucket", BUCKET,
                "cortex.storage.endpoint-url", s3.endpoint(),
                "cortex.storage.access-key", S3ProxyServer.ACCESS_KEY,
                "cortex.storage.secret-key", S3ProxyServer.SECRET_KEY,
                "cortex.storage.max-upload-mb", "256",
                "cortex.task.retry-backoff-seconds", "1"));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    String project() {
        return app.postJson("/api/projects", "{\"name\":\"s3\"}").json().get("id").asText();
    }

    long objects(String project) {
        return client.listObjectsV2(b -> b.bucket(BUCKET).prefix("ingest/" + project + "/")).keyCount();
    }

    @Test
    void uploadIsStoredInTheBucketAndProcessed() {
        String p = project();
        byte[] hello = "hello durable ingest".getBytes(StandardCharsets.UTF_8);
        Reply r = app.upload("/api/projects/" + p + "/ingest/upload", "hello.txt", hello, "text/plain", null);
        assertThat(r.status()).isEqualTo(200);
        String jobId = r.json().get("job_id").asText();
        String uri = r.json().at("/job/source_uri").asText();
        String key = "ingest/" + p + "/" + jobId + "/hello.txt";
        assertThat(uri).isEqualTo("s3://" + BUCKET + "/" + key);

        var head = client.headObject(b -> b.bucket(BUCKET).key(key));
        assertThat(head.contentLength()).isEqualTo(20);
        assertThat(head.metadata()).containsEntry("sha256", Sha256.of(hello)).containsEntry("original-filename", "hello.txt");
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).isEqualTo(hello);

        JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
                () -> app.get("/api/projects/" + p + "/ingest/jobs/" + jobId).json(),
                j -> j.get("status").asText().equals("completed"));
        assertThat(done.get("byte_size").asLong()).isEqualTo(20);
        assertThat(done.get("checksum").asText()).isEqualTo(Sha256.of(hello));
        // the worker's download is gone once the job is done
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void s3ObjectsOfTheBucketAreSourcesOfTheirOwnProjectOnly() {
        String p = project();
        String jobs = "/api/projects/" + p + "/ingest/jobs";
        // an integration team's object outside the upload folders, e.g. a drop zone
        client.putObject(b -> b.bucket(BUCKET).key("drop/guide.md"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("# Guide\n\nRead from S3 by URI.\n"));
        Reply created = app.postJson(jobs, "{\"source_uri\":\"s3://" + BUCKET + "/drop/guide.md\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
                () -> app.get(jobs + "/" + created.json().get("id").asText()).json(),
                j -> !j.get("status").asText().equals("queued") && !j.get("status").asText().equals("running"));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.get("mime_type").asText()).isEqualTo("text/markdown");
        assertThat(app.get(jobs + "/" + done.get("id").asText() + "/documents").json().at("/items/0/title").asText())
                .isEqualTo("Guide");

        // another project's upload is not this project's source; a missing object or another bucket is refused
        String other = project();
        Reply upload = app.upload("/api/projects/" + other + "/ingest/upload", "theirs.txt", "theirs".getBytes(),
                "text/plain", null);
        String theirs = upload.json().at("/job/source_uri").asText();
        assertThat(app.postJson(jobs, "{\"source_uri\":\"" + theirs + "\"}").detail()).contains("another project");
        assertThat(app.postJson(jobs, "{\"source_uri\":\"s3://" + BUCKET + "/drop/missing.md\"}").detail())
                .contains("Source not found");
        assertThat(app.postJson(jobs, "{\"source_uri\":\"s3://other-bucket/drop/guide.md\"}").status()).isEqualTo(400);
    }

    @Test
    void bucketsAreCreatedWithALocationConstraintOutsideUsEast1Only() {
        for (String region : List.of("eu-central-1", "us-east-1")) {
            List<software.amazon.awssdk.services.s3.model.CreateBucketRequest> sent = new java.util.ArrayList<>();
            var interceptor = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                @Override
                public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                    if (context.request() instanceof software.amazon.awssdk.services.s3.model.CreateBucketRequest create) {
                        sent.add(create);
                    }
                }
            };
            String bucket = "regional-" + region;
            try (S3Client regional = S3Client.builder().region(software.amazon.awssdk.regions.Region.of(region))
                    .endpointOverride(java.net.URI.create(s3.endpoint())).forcePathStyle(true)
                    .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY,
                                    S3ProxyServer.SECRET_KEY)))
                    .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor)).build()) {
                S3Storage storage = new S3Storage(regional, bucket, "ingest", region);
                storage.ensureBucket();
                storage.ensureBucket(); // present now: not created again
            }
            assertThat(sent).hasSize(1);
            var configuration = sent.get(0).createBucketConfiguration();
            if (region.equals("us-east-1")) {
                assertThat(configuration).isNull();
            } else {
                assertThat(configuration.locationConstraintAsString()).isEqualTo(region);
            }
            assertThat(client.listBuckets().buckets()).extracting(b -> b.name()).contains(bucket);
        }
    }

    @Test
    void refusedUploadsLeaveNoObjectNoTempFileNoJob() {
        String p = project();
        String url = "/api/projects/" + p + "/ingest/upload";
        byte[] pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        Reply mismatch = app.upload(url, "report.txt", pdf, "text/plain", null);
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.detail()).isEqualTo("Content does not match its declared type: declared text/plain, but the bytes are application/pdf");
        byte[] exe = new byte[256];
        exe[0] = 'M';
        exe[1] = 'Z';
        Reply disguised = app.upload(url, "manual.txt", exe, "text/plain", null);
        assertThat(disguised.status()).isEqualTo(400);
        assertThat(app.upload(url, "a.txt", "abc".getBytes(), "text/plain", "f".repeat(64)).detail()).startsWith("Checksum mismatch");

        assertThat(objects(p)).isZero();
        assertThat(app.filesUnder("tmp")).isZero();
        assertThat(app.get("/api/projects/" + p + "/ingest/jobs").json().get("total").asLong()).isZero();
    }

    @Test
    void largeUploadsGoUpFromDiskWithTheirChecksum() throws Exception {
        String p = project();
        app.context().getRouteController().stopRoute("job-worker-consume");
        try {
            LargeUploads.check(app, p, job -> {
                String key = job.get("source_uri").asText().substring(("s3://" + BUCKET + "/").length());
                var head = client.headObject(b -> b.bucket(BUCKET).key(key));
                assertThat(head.contentLength()).isEqualTo(job.get("byte_size").asLong());
                assertThat(head.metadata()).containsEntry("sha256", job.get("checksum").asText());
                try (var in = client.getObject(b -> b.bucket(BUCKET).key(key))) {
                    var digest = Sha256.digest();
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                    return Sha256.hex(digest);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(app.filesUnder("tmp")).isZero();
        } finally {
            // the jobs are not processed here: a 200 MiB text would only test extraction
            for (JsonNode job : app.get("/api/projects/" + p + "/ingest/jobs").json().get("items")) {
                app.post("/api/projects/" + p + "/ingest/jobs/" + job.get("id").asText() + "/cancel");
            }
            app.context().getRouteController().startRoute("job-worker-consume");
        }
    }

    @Test
    void objectAlteredBehindTheServicesBackFailsTheJob() throws Exception {
        String p = project();
        app.context().getRouteController().stopRoute("job-worker-consume");
        String jobId;
        try {
            Reply r = app.upload("/api/projects/" + p + "/ingest/upload", "notes.txt", "original".getBytes(), "text/plain", null);
            jobId = r.json().get("job_id").asText();
            String key = "ingest/" + p + "/" + jobId + "/notes.txt";
            client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("tampered"));
        } finally {
            app.context().getRouteController().startRoute("job-worker-consume");
        }
        JsonNode failed = await().atMost(Duration.ofSeconds(30)).until(
                () -> app.get("/api/projects/" + p + "/ingest/jobs/" + jobId).json(),
                j -> j.get("status").asText().equals("failed"));
        assertThat(failed.get("error_message").asText()).startsWith("Checksum mismatch");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void storageDownWhileProcessingIsWaitedFor() throws Exception {
        String p = project();
        app.context().getRouteController().stopRoute("job-worker-consume");
        String jobId = app.upload("/api/projects/" + p + "/ingest/upload", "later.txt", "read me later".getBytes(),
                "text/plain", null).json().get("job_id").asText();
        String url = "/api/projects/" + p + "/ingest/jobs/" + jobId;
        s3.close();
        try {
            app.context().getRouteController().startRoute("job-worker-consume");
            JsonNode waiting = await().atMost(Duration.ofSeconds(60)).until(() -> app.get(url).json(),
                    j -> j.get("attempts").asInt() >= 1 && j.get("status").asText().equals("queued"));
            // not the document's fault: the job waits for storage without using up its attempts
            assertThat(waiting.get("message").asText()).startsWith("Waiting for storage");
        } finally {
            s3 = S3ProxyServer.start(tmp, s3.port());
        }
        JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> app.get(url).json(),
                j -> j.get("status").asText().equals("completed"));
        assertThat(done.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(done.get("error_message").isNull()).isTrue();
    }

    @Test
    void storageDownAtUploadIs503AndLeavesNothing() {
        String p = project();
        s3.close();
        try {
            Reply r = app.upload("/api/projects/" + p + "/ingest/upload", "a.txt", "some text".getBytes(), "text/plain", null);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.detail()).startsWith("Service temporarily unavailable");
            assertThat(app.get("/api/projects/" + p + "/ingest/jobs").json().get("total").asLong()).isZero();
            assertThat(app.filesUnder("tmp")).isZero();
        } finally {
            s3 = S3ProxyServer.start(tmp, s3.port());
        }
        assertThat(objects(p)).isZero();
    }
}
