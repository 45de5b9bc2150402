package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.job.JobStore;
import routes.storage.Sha256;
import routes.support.TestApp;
import routes.support.ApiClient.Reply;

/**
 * The HTTP contract of spec section 2, run against the application through its own Main and YAML routes. The
 * same tests run on SQLite and on PostgreSQL (the subclasses say which).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IngestApiContract {

    static final List<String> JOB_KEYS = List.of("id", "project_id", "source_path", "source_uri", "original_filename",
            "byte_size", "mime_type", "checksum", "stage", "created_at", "updated_at", "started_at", "completed_at",
            "deleted_at", "status", "progress", "message", "error_message", "canonical_document_id", "task_id",
            "source_id", "attempts", "document_key", "superseded_by");

    Path tmp;

    TestApp app;
    Path sources;

    /** The JDBC URL of a fresh database for this class. */
    abstract String databaseUrl(Path dir);

    /** Storage settings of the application under test; the local backend unless a subclass says otherwise. */
    Map<String, String> storageSettings(Path dir) {
        return Map.of();
    }

    /** How many stored objects there are, in whatever backend the class uses. */
    long storedObjects() {
        return app.filesUnder("storage");
    }

    /** How a stored upload's source_uri starts. */
    String storedUriScheme() {
        return "file:";
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        sources = Files.createDirectories(tmp.resolve("sources"));
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "cortex.local-source-roots", sources.toString(),
                "cortex.storage.max-upload-mb", "1",
                "cortex.http.max-body-bytes", String.valueOf(3 * 1024 * 1024),
                "cortex.chunk.size", "200",
                "cortex.chunk.overlap", "20"));
        settings.putAll(storageSettings(tmp));
        app = TestApp.start(databaseUrl(tmp), tmp.resolve("data"), settings);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    String project() {
        Reply r = app.postJson("/api/projects", "{\"name\":\"p-" + UUID.randomUUID() + "\"}");
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    String jobs(String projectId) {
        return "/api/projects/" + projectId + "/ingest/jobs";
    }

    JsonNode awaitTerminal(String projectId, String jobId) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = app.get(jobs(projectId) + "/" + jobId).json();
            return Set.of("completed", "failed", "cancelled").contains(last[0].get("status").asText());
        });
        return last[0];
    }

    Path sourceFile(String name, String content) throws Exception {
        Path file = sources.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    Reply createJob(String projectId, Path file) {
        return app.postJson(jobs(projectId), "{\"source_path\":\"" + file + "\"}");
    }

    // --- projects -------------------------------------------------------------------------------------------

    @Test
    void createsListsAndGetsProjects() {
        Reply created = app.postJson("/api/projects", "{\"name\":\"Docs\",\"description\":\"team docs\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(iterable(created.json().fieldNames())).containsExactly("id", "name", "description", "createdAt", "updatedAt");
        assertThat(created.json().get("createdAt").asText()).endsWith("Z");
        String id = created.json().get("id").asText();

        assertThat(app.get("/api/projects/" + id).json().get("name").asText()).isEqualTo("Docs");
        Reply list = app.get("/api/projects");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items").findValuesAsText("id")).contains(id);
    }

    @Test
    void refusesBadProjects() {
        assertThat(app.postJson("/api/projects", "{}").detail()).isEqualTo("Field 'name' is required");
        assertThat(app.postJson("/api/projects", "{\"name\":\"" + "x".repeat(201) + "\"}").status()).isEqualTo(400);
        assertThat(app.postJson("/api/projects", "{\"name\":\"" + "x".repeat(200) + "\"}").status()).isEqualTo(201);
        Reply malformed = app.postJson("/api/projects", "{\"name\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.detail()).startsWith("Malformed JSON");
        assertThat(app.postJson("/api/projects", "[1]").status()).isEqualTo(400);
        assertThat(app.get("/api/projects/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(app.get("/api/projects/not-a-uuid").status()).isEqualTo(404);
    }

    @Test
    void unknownProjectIs404OnEveryProjectRoute() {
        String p = UUID.randomUUID().toString();
        String j = UUID.randomUUID().toString();
        List<Reply> replies = List.of(
                app.get(jobs(p)),
                app.get(jobs(p) + "/" + j),
                app.get(jobs(p) + "/" + j + "/documents"),
                app.postJson(jobs(p), "{\"source_path\":\"/tmp\"}"),
                app.post(jobs(p) + "/" + j + "/cancel"),
                app.delete(jobs(p) + "/" + j),
                app.postJson("/api/projects/" + p + "/ingest", "{\"source_type\":\"text\",\"content\":\"x\"}"),
                app.upload("/api/projects/" + p + "/ingest/upload", "a.txt", "x".getBytes(), "text/plain", null));
        assertThat(replies).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.detail()).startsWith("Project not found");
        });
    }

    // --- errors Vert.x would answer itself ------------------------------------------------------------------

    @Test
    void frameworkErrorsAreJson() {
        Reply unknown = app.get("/api/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.detail()).contains("/api/nothing-here");
        Reply method = app.send(java.net.http.HttpRequest.newBuilder(app.uri("/api/projects"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.detail()).startsWith("Method not allowed");
        Reply form = app.send(java.net.http.HttpRequest.newBuilder(app.uri("/api/projects"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("name=x")));
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.detail()).contains("application/json");
        Reply tooLarge = app.postJson("/api/projects", "{\"name\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.detail()).startsWith("Request body too large").contains("CORTEX_HTTP_MAX_JSON_BYTES");
        // a JSON route takes what it needs (64 KB); only the text helper takes content as large as an upload
        Reply padded = app.postJson("/api/projects", "{\"name\":\"x\",\"description\":\"" + "d".repeat(100_000)
                + "\"}");
        assertThat(padded.status()).isEqualTo(413);
        String p = project();
        Reply text = app.postJson("/api/projects/" + p + "/ingest", "{\"source_type\":\"text\",\"content\":\""
                + "word ".repeat(150_000) + "\"}");
        assertThat(text.status()).as(text.body()).isEqualTo(200);
    }

    // --- the lifecycle the earlier Python service's clients rely on: upload, list, cancel, delete, limits ---

    @Test
    void helloUploadCompletes() {
        String p = project();
        byte[] hello = "hello durable ingest".getBytes(StandardCharsets.UTF_8);
        Reply r = app.upload("/api/projects/" + p + "/ingest/upload", "hello.txt", hello, "text/plain", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(iterable(r.json().fieldNames())).containsExactly("filename", "job_id", "job");
        assertThat(r.json().get("filename").asText()).isEqualTo("hello.txt");
        JsonNode queued = r.json().get("job");
        assertThat(iterable(queued.fieldNames())).containsExactlyElementsOf(JOB_KEYS);
        assertThat(queued.get("status").asText()).isEqualTo("queued");
        assertThat(queued.get("stage").asText()).isEqualTo("initial");
        assertThat(queued.get("started_at").isNull()).isTrue();

        JsonNode done = awaitTerminal(p, r.json().get("job_id").asText());
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("stage").asText()).isEqualTo("done");
        assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(done.get("byte_size").asLong()).as(done.toString()).isEqualTo(20);
        assertThat(done.get("checksum").asText()).isEqualTo(Sha256.of(hello));
        assertThat(done.get("source_uri").asText()).startsWith(storedUriScheme());
        assertThat(done.get("mime_type").asText()).isEqualTo("text/plain");
        assertThat(done.get("started_at").asText()).endsWith("Z");
        assertThat(done.get("completed_at").asText()).endsWith("Z");
        // the broker's message id of the hand-off, as the upload's answer already said
        assertThat(done.get("task_id").asText()).startsWith("ID:").isEqualTo(queued.get("task_id").asText());
        assertThat(done.get("attempts").asInt()).isEqualTo(1);

        JsonNode docs = app.get(jobs(p) + "/" + done.get("id").asText() + "/documents").json().get("items");
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0).get("id").asText()).isEqualTo(done.get("canonical_document_id").asText());
        assertThat(docs.get(0).get("chunk_count").asLong()).isEqualTo(1);
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void createdJobIsListedCancelledAndDeleted() throws Exception {
        String p = project();
        app.context().getRouteController().stopRoute("job-worker-consume");
        try {
            Reply created = createJob(p, sourceFile("a/notes.md", "# Notes\n\nSome notes."));
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().get("id").asText();
            assertThat(created.json().get("original_filename").asText()).isEqualTo("notes.md");
            assertThat(app.get(jobs(p)).json().get("items").findValuesAsText("id")).contains(id);

            Reply cancelled = app.post(jobs(p) + "/" + id + "/cancel");
            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
            assertThat(cancelled.json().get("completed_at").isNull()).isFalse();
            Reply again = app.post(jobs(p) + "/" + id + "/cancel");
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.detail()).isEqualTo("Job cannot be cancelled. Current status: cancelled");

            Reply deleted = app.delete(jobs(p) + "/" + id);
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(deleted.body()).isEmpty();
            assertThat(app.get(jobs(p) + "/" + id).status()).isEqualTo(404);
            assertThat(app.delete(jobs(p) + "/" + id).status()).isEqualTo(404);
            assertThat(app.get(jobs(p)).json().get("items").findValuesAsText("id")).doesNotContain(id);
        } finally {
            app.context().getRouteController().startRoute("job-worker-consume");
        }
    }

    @Test
    void listingRefusesBadQueries() {
        String p = project();
        assertThat(app.get(jobs(p) + "?limit=0").status()).isEqualTo(400);
        assertThat(app.get(jobs(p) + "?limit=101").status()).isEqualTo(400);
        assertThat(app.get(jobs(p) + "?limit=abc").status()).isEqualTo(400);
        assertThat(app.get(jobs(p) + "?limit=100").status()).isEqualTo(200);
        assertThat(app.get(jobs(p) + "?status=done").detail()).startsWith("Unknown status: done");
        assertThat(app.get(jobs(p) + "?stage=nope").status()).isEqualTo(400);
        assertThat(app.get(jobs(p) + "?cursor=garbage").detail()).startsWith("Invalid cursor");
        assertThat(app.get(jobs(p) + "?source_id=x").status()).isEqualTo(400);
    }

    // --- jobs from sources ----------------------------------------------------------------------------------

    @Test
    void jobFromLocalFileCompletesWithChunks() throws Exception {
        String p = project();
        String text = "First paragraph about ingest.\n\n".repeat(20);
        Path file = sourceFile("docs/long.txt", text);
        Reply created = app.postJson(jobs(p), "{\"sourceUri\":\"" + file.toUri() + "\",\"unknown\":1}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode done = awaitTerminal(p, created.json().get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("error_message").isNull()).isTrue();
        JsonNode docs = app.get(jobs(p) + "/" + done.get("id").asText() + "/documents").json().get("items");
        assertThat(docs.get(0).get("chunk_count").asLong()).isGreaterThan(1);
    }

    @Test
    void refusesSourcesOutsideTheRoots() throws Exception {
        String p = project();
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
        Path link = sources.resolve("escape.txt");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, outside);
        Map<String, String> bad = Map.of(
                "{}", "Either source_uri or source_path is required",
                "{\"source_path\":\"relative/file.txt\"}", "Source path must be absolute",
                "{\"source_path\":\"" + sources + "/../secret.txt\"}", "must not contain '..'",
                "{\"source_path\":\"" + outside + "\"}", "outside the allowed roots",
                "{\"source_path\":\"" + link + "\"}", "outside the allowed roots",
                "{\"source_uri\":\"file://secret.txt\"}", "Invalid file URI",
                "{\"source_path\":\"" + sources + "/missing.txt\"}", "Source not found",
                "{\"source_uri\":\"ftp://example.org/x\"}", "Unsupported source");
        bad.forEach((body, detail) -> {
            Reply r = app.postJson(jobs(p), body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.detail()).as(body).contains(detail);
        });
        assertThat(app.get(jobs(p)).json().get("total").asLong()).isZero();
    }

    @Test
    void aPathOutsideTheRootsGetsOneAnswerWhetherItExistsAndNoServerPaths() throws Exception {
        String p = project();
        Path existing = Files.writeString(tmp.resolve("exists.txt"), "secret");
        Reply present = app.postJson(jobs(p), "{\"source_path\":\"" + existing + "\"}");
        Reply absent = app.postJson(jobs(p), "{\"source_path\":\"" + tmp.resolve("absent.txt") + "\"}");
        assertThat(present.status()).isEqualTo(400);
        assertThat(absent.status()).isEqualTo(400);
        assertThat(present.detail().replace(existing.toString(), "P"))
                .isEqualTo(absent.detail().replace(tmp.resolve("absent.txt").toString(), "P"));
        assertThat(present.detail()).doesNotContain(sources.toString());
        for (String body : new String[] {"{\"source_path\":\"" + sources + "/a\\u0000b.txt\"}",
            "{\"source_uri\":\"file://" + sources + "/a%00b.txt\"}", "{\"source_uri\":\"file://" + sources + "/a\\u0000b\"}"}) {
            Reply nul = app.postJson(jobs(p), body);
            assertThat(nul.status()).as(body).isEqualTo(400);
            assertThat(nul.json().has("detail")).as(body).isTrue();
        }
        assertThat(app.get(jobs(p)).json().get("total").asLong()).isZero();
    }

    @Test
    void checksumMismatchFailsTheJob() throws Exception {
        String p = project();
        Path file = sourceFile("sum.txt", "some content");
        Reply created = app.postJson(jobs(p), "{\"source_path\":\"" + file + "\",\"checksum\":\"" + "0".repeat(64) + "\"}");
        JsonNode done = awaitTerminal(p, created.json().get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("error_message").asText()).startsWith("Checksum mismatch");
        assertThat(done.get("completed_at").isNull()).isFalse();
        assertThat(app.postJson(jobs(p), "{\"source_path\":\"" + file + "\",\"checksum\":\"xyz\"}").status()).isEqualTo(400);
    }

    @Test
    void jobOfAnotherProjectIsNotFound() throws Exception {
        String p = project();
        String other = project();
        String id = createJob(p, sourceFile("mine.txt", "mine")).json().get("id").asText();
        assertThat(app.get(jobs(other) + "/" + id).status()).isEqualTo(404);
        assertThat(app.post(jobs(other) + "/" + id + "/cancel").status()).isEqualTo(404);
        assertThat(app.delete(jobs(other) + "/" + id).status()).isEqualTo(404);
        assertThat(app.get(jobs(p) + "/" + id).status()).isEqualTo(200);
    }

    // --- uploads --------------------------------------------------------------------------------------------

    @Test
    void refusedUploadsLeaveNothingBehind() {
        String p = project();
        String url = "/api/projects/" + p + "/ingest/upload";
        long objectsBefore = storedObjects();
        byte[] limit = new byte[1024 * 1024];
        java.util.Arrays.fill(limit, (byte) 'a');
        byte[] overLimit = new byte[limit.length + 1];
        java.util.Arrays.fill(overLimit, (byte) 'a');

        assertThat(app.upload(url, null, null, null, null).detail()).startsWith("Missing file part");
        Reply tooLarge = app.upload(url, "big.txt", overLimit, "text/plain", null);
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.detail()).contains("File too large").contains("1 MB");
        Reply type = app.upload(url, "run.exe", "MZ".getBytes(), "application/x-msdownload", null);
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.detail()).startsWith("Unsupported content type: application/x-msdownload (allowed: ");
        Reply sum = app.upload(url, "a.txt", "abc".getBytes(), "text/plain", "0".repeat(64));
        assertThat(sum.status()).isEqualTo(400);
        assertThat(sum.detail()).startsWith("Checksum mismatch");
        byte[] pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n".getBytes();
        Reply disguised = app.upload(url, "report.txt", pdf, "text/plain", null);
        assertThat(disguised.status()).isEqualTo(400);
        assertThat(disguised.detail()).startsWith("Content does not match its declared type");
        Reply notMultipart = app.postJson(url, "{}");
        assertThat(notMultipart.status()).isEqualTo(400);

        assertThat(app.get(jobs(p)).json().get("total").asLong()).isZero();
        assertThat(storedObjects()).isEqualTo(objectsBefore);
        assertThat(app.filesUnder("tmp")).isZero();

        Reply exact = app.upload(url, "exact.txt", limit, "text/plain; charset=utf-8", Sha256.of(limit).toUpperCase());
        assertThat(exact.status()).isEqualTo(200);
        assertThat(exact.json().at("/job/byte_size").asLong()).isEqualTo(limit.length);
        assertThat(exact.json().at("/job/mime_type").asText()).isEqualTo("text/plain");
    }

    @Test
    void hugeDeclaredBodyIsRefusedBeforeItIsSent() throws Exception {
        String p = project();
        long gib = 1024L * 1024 * 1024;
        java.util.concurrent.atomic.AtomicLong produced = new java.util.concurrent.atomic.AtomicLong();
        // a 1 GiB body that is generated only as fast as the client sends it
        var body = java.net.http.HttpRequest.BodyPublishers.fromPublisher(
                java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
                    @Override
                    public int read() {
                        return produced.incrementAndGet() <= gib ? 'a' : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        long left = gib - produced.get();
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, left);
                        java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                        produced.addAndGet(n);
                        return n;
                    }
                }), gib);
        // its own client: the server closes this connection after refusing, so it must not go back to a shared pool
        var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        try {
            var response = client.send(java.net.http.HttpRequest.newBuilder(app.uri("/api/projects/" + p + "/ingest/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=x").timeout(Duration.ofSeconds(60)).POST(body).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("File too large");
        } catch (java.io.IOException closed) {
            // the server may close the connection while the client is still writing: refused all the same
        }
        assertThat(produced.get()).isLessThan(gib / 10);
        // the part's temporary file goes once the server has closed the connection, a moment after its answer
        await().atMost(Duration.ofSeconds(10)).until(() -> app.filesUnder("tmp") == 0);
        assertThat(app.get(jobs(p)).json().get("total").asLong()).isZero();
    }

    @Test
    void clientThatDisconnectsMidUploadLeavesNothing() throws Exception {
        String p = project();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.uri("/").getPort())) {
            var out = socket.getOutputStream();
            String head = "POST /api/projects/" + p + "/ingest/upload HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 500000\r\n\r\n"
                    + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n"
                    + "Content-Type: text/plain\r\n\r\n";
            out.write(head.getBytes());
            out.write("partial content ".repeat(1000).getBytes());
            out.flush();
            // the part has started streaming to a temporary file when the client goes away
            await().atMost(Duration.ofSeconds(10)).until(() -> app.filesUnder("tmp") == 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> app.filesUnder("tmp") == 0);
        assertThat(app.get(jobs(p)).json().get("total").asLong()).isZero();
    }

    @Test
    void octetStreamTakesTheTypeFromTheName() {
        String p = project();
        Reply r = app.upload("/api/projects/" + p + "/ingest/upload", "../../readme.md", "# Read me\n\nText.".getBytes(),
                "application/octet-stream", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/job/mime_type").asText()).isEqualTo("text/markdown");
        assertThat(r.json().at("/job/source_uri").asText()).endsWith("/readme.md").doesNotContain("..");
        assertThat(awaitTerminal(p, r.json().get("job_id").asText()).get("status").asText()).isEqualTo("completed");
    }

    // --- the POST /ingest helper ----------------------------------------------------------------------------

    @Test
    void textHelperCreatesAJob() {
        String p = project();
        Reply r = app.postJson("/api/projects/" + p + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"# Title\\n\\nBody text.\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(iterable(r.json().fieldNames())).containsExactly("job_id");
        JsonNode done = awaitTerminal(p, r.json().get("job_id").asText());
        assertThat(done.get("status").asText()).isEqualTo("completed");
        JsonNode doc = app.get(jobs(p) + "/" + done.get("id").asText() + "/documents").json().get("items").get(0);
        assertThat(doc.get("mime_type").asText()).isEqualTo("text/plain");
    }

    @Test
    void helperRefusesBadRequests() {
        String url = "/api/projects/" + project() + "/ingest";
        long objectsBefore = storedObjects();
        assertThat(app.postJson(url, "{\"source_type\":\"text\"}").detail()).isEqualTo("content required for text source_type");
        assertThat(app.postJson(url, "{\"source_type\":\"repository\"}").detail())
                .isEqualTo("repo_path or repo_url required for repository ingestion");
        assertThat(app.postJson(url, "{\"source_type\":\"video\"}").detail()).isEqualTo("Unsupported source_type: video");
        assertThat(app.postJson(url, "{\"source_type\":\"text\",\"content\":\"x\",\"source_id\":\"" + UUID.randomUUID() + "\"}")
                .status()).isEqualTo(400);
        assertThat(app.postJson(url, "{\"source_type\":\"text\",\"content\":\"" + "a".repeat(1024 * 1024 + 1) + "\"}")
                .detail()).startsWith("Text too large");
        assertThat(app.filesUnder("tmp")).isZero();
        // the unknown source_id was refused by the job's transaction after the text was stored: no object stays
        assertThat(storedObjects()).isEqualTo(objectsBefore);
    }

    // --- document keys ----------------------------------------------------------------------------------------

    @Test
    void everyCreatePathTakesADocumentKey() throws Exception {
        String p = project();
        Path file = sourceFile("keyed/a.txt", "alpha");
        Reply job = app.postJson(jobs(p), "{\"source_path\":\"" + file + "\",\"document_key\":\"docs/a.txt\"}");
        assertThat(job.status()).as(job.body()).isEqualTo(201);
        assertThat(job.json().get("document_key").asText()).isEqualTo("docs/a.txt");
        assertThat(job.json().get("superseded_by").isNull()).isTrue();
        Reply batch = app.postJson("/api/projects/" + p + "/ingest/batch", "{\"jobs\":[{\"source_path\":\"" + file
                + "\",\"document_key\":\"docs/b.txt\"}]}");
        assertThat(batch.json().get("items").get(0).get("document_key").asText()).isEqualTo("docs/b.txt");
        Reply upload = app.uploadWithFields("/api/projects/" + p + "/ingest/upload", "c.txt", "gamma".getBytes(),
                "text/plain", Map.of("document_key", "docs/\u00e7.txt"));
        assertThat(upload.status()).as(upload.body()).isEqualTo(200);
        assertThat(upload.json().get("job").get("document_key").asText()).isEqualTo("docs/\u00e7.txt");
        Reply text = app.postJson("/api/projects/" + p + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"delta\",\"document_key\":\"docs/d.txt\"}");
        assertThat(app.get(jobs(p) + "/" + text.json().get("job_id").asText()).json().get("document_key").asText())
                .isEqualTo("docs/d.txt");
        Reply none = app.postJson(jobs(p), "{\"source_path\":\"" + file + "\",\"document_key\":\"\"}");
        assertThat(none.json().get("document_key").isNull()).as("empty is none").isTrue();
    }

    @Test
    void badDocumentKeysAre400sNamingTheFieldAndCreateNothing() throws Exception {
        String p = project();
        Path file = sourceFile("keyed/bad.txt", "alpha");
        long objectsBefore = storedObjects();
        for (String key : List.of("\"   \"", "\"" + "k".repeat(1025) + "\"", "\"a\\u0007b\"", "\"a\\nb\"", "42")) {
            Reply job = app.postJson(jobs(p), "{\"source_path\":\"" + file + "\",\"document_key\":" + key + "}");
            assertThat(job.status()).as(key).isEqualTo(400);
            assertThat(job.detail()).as(key).contains("document_key");
            Reply batch = app.postJson("/api/projects/" + p + "/ingest/batch", "{\"jobs\":[{\"source_path\":\"" + file
                    + "\",\"document_key\":" + key + "}]}");
            assertThat(batch.status()).as(key).isEqualTo(400);
            assertThat(batch.body()).as(key).contains("document_key");
            Reply text = app.postJson("/api/projects/" + p + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"delta\",\"document_key\":" + key + "}");
            assertThat(text.status()).as(key).isEqualTo(400);
            assertThat(text.detail()).as(key).contains("document_key");
        }
        for (String key : List.of("   ", "k".repeat(1025), "a\u0007b")) {
            Reply upload = app.uploadWithFields("/api/projects/" + p + "/ingest/upload", "c.txt", "gamma".getBytes(),
                    "text/plain", Map.of("document_key", key));
            assertThat(upload.status()).as(key).isEqualTo(400);
            assertThat(upload.detail()).as(key).contains("document_key");
        }
        assertThat(app.get(jobs(p)).json().get("total").asLong()).isZero();
        assertThat(storedObjects()).isEqualTo(objectsBefore);
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void repositoryDirectoryIsIndexedFileByFile() throws Exception {
        String p = project();
        sourceFile("repo/README.md", "# Repo\n\nAbout it.");
        sourceFile("repo/src/Main.java", "class Main {}\n");
        sourceFile("repo/node_modules/lib/index.js", "module.exports = 1;\n");
        sourceFile("repo/.git/config", "[core]\n");
        Files.write(sources.resolve("repo/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1});
        Reply r = app.postJson("/api/projects/" + p + "/ingest",
                "{\"source_type\":\"repository\",\"repo_path\":\"" + sources.resolve("repo") + "\"}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode done = awaitTerminal(p, r.json().get("job_id").asText());
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("message").asText()).isEqualTo("Indexed 2 files, 2 chunks");
        JsonNode docs = app.get(jobs(p) + "/" + done.get("id").asText() + "/documents").json().get("items");
        assertThat(docs.findValuesAsText("path")).containsExactly(".", "README.md", "src/Main.java");
        assertThat(docs.get(0).get("id").asText()).isEqualTo(done.get("canonical_document_id").asText());
    }

    @Test
    void aTreesDocumentsArePagedInPathOrderWithTheRootFirstAndEachOnce() throws Exception {
        String p = project();
        List<String> expected = new ArrayList<>(List.of("."));
        for (int i = 0; i < 7; i++) {
            // names that sort apart from their creation order, one holding the cursor's separator
            String name = "docs/" + (char) ('g' - i) + (i == 3 ? "|pipe" : "") + ".md";
            sourceFile("paged/" + name, "# File " + i + "\n\nText " + i + ".");
            expected.add(name);
        }
        Reply r = app.postJson("/api/projects/" + p + "/ingest",
                "{\"source_type\":\"repository\",\"repo_path\":\"" + sources.resolve("paged") + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode done = awaitTerminal(p, r.json().get("job_id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
        String documents = jobs(p) + "/" + done.get("id").asText() + "/documents";
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = app.get(documents + "?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.get("total").asLong()).isEqualTo(8);
            assertThat(page.get("items").size()).isLessThanOrEqualTo(3);
            page.get("items").forEach(d -> seen.add(d.get("path").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        java.util.Collections.sort(expected.subList(1, expected.size()));
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(3);
        // without a limit, the first 50; a bad limit or cursor is a 400 that says what to send
        assertThat(app.get(documents).json().get("items")).hasSize(8);
        assertThat(app.get(documents + "?limit=0").status()).isEqualTo(400);
        Reply badCursor = app.get(documents + "?cursor=bm90LWEtY3Vyc29y");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.detail()).isEqualTo("Invalid cursor: pass the nextCursor of a previous page unchanged");
    }

    // --- pagination and races -------------------------------------------------------------------------------

    @Test
    void cursorWalkVisitsEveryJobOnceWhileJobsArrive() throws Exception {
        String p = project();
        Path file = sourceFile("page.txt", "page");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(createJob(p, file).json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        String previousCreatedAt = null;
        int pages = 0;
        do {
            JsonNode page = app.get(jobs(p) + "?limit=5" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.get("items").size()).isLessThanOrEqualTo(5);
            for (JsonNode job : page.get("items")) {
                String at = job.get("created_at").asText();
                if (previousCreatedAt != null) {
                    assertThat(at).isLessThanOrEqualTo(previousCreatedAt);
                }
                previousCreatedAt = at;
                seen.add(job.get("id").asText());
            }
            createJob(p, file); // a newer job arrives between pages; it sorts before the cursor
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(5);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
        assertThat(app.get(jobs(p) + "?limit=5").json().get("total").asLong()).isEqualTo(23 + 5);
    }

    @Test
    void jobCancelledWhileQueuedIsNeverPickedUp() throws Exception {
        String p = project();
        app.context().getRouteController().stopRoute("job-worker-consume");
        String id;
        try {
            id = createJob(p, sourceFile("queued.txt", "queued")).json().get("id").asText();
            assertThat(app.post(jobs(p) + "/" + id + "/cancel").status()).isEqualTo(200);
        } finally {
            app.context().getRouteController().startRoute("job-worker-consume");
        }
        // Another job created after it, on the same queue, completing shows the queue has moved past ours.
        String later = createJob(p, sourceFile("later.txt", "later")).json().get("id").asText();
        assertThat(awaitTerminal(p, later).get("status").asText()).isEqualTo("completed");
        JsonNode job = app.get(jobs(p) + "/" + id).json();
        assertThat(job.get("status").asText()).isEqualTo("cancelled");
        assertThat(job.get("attempts").asInt()).isZero();
        assertThat(job.get("started_at").isNull()).isTrue();
        assertThat(app.get(jobs(p) + "/" + id + "/documents").json().get("items")).isEmpty();
    }

    @Test
    void cancelRacingWithCompletionEndsInOneTerminalState() throws Exception {
        String p = project();
        Path file = sourceFile("race.txt", "race ".repeat(200));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> cancels = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = createJob(p, file).json().get("id").asText();
                ids.add(id);
                cancels.add(pool.submit(() -> app.post(jobs(p) + "/" + id + "/cancel").status() == 200));
            }
            Set<String> outcomes = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                boolean cancelAccepted = cancels.get(i).get();
                JsonNode job = awaitTerminal(p, ids.get(i));
                String status = job.get("status").asText();
                outcomes.add(status);
                JsonNode docs = app.get(jobs(p) + "/" + ids.get(i) + "/documents").json().get("items");
                if (cancelAccepted) {
                    assertThat(status).isEqualTo("cancelled");
                    assertThat(docs).isEmpty();
                } else {
                    assertThat(status).isEqualTo("completed");
                    assertThat(docs).hasSize(1);
                }
            }
            assertThat(outcomes).isSubsetOf("completed", "cancelled");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runningJobCannotBeDeleted() throws Exception {
        String p = project();
        app.context().getRouteController().stopRoute("job-worker-consume");
        try {
            String id = createJob(p, sourceFile("running.txt", "running")).json().get("id").asText();
            // Claim it as a worker would, so it is running under a lease.
            assertThat(app.bean("jobStore", JobStore.class).claim(UUID.fromString(id), "test-worker", Duration.ofMinutes(5), 3))
                    .isPresent();
            Reply r = app.delete(jobs(p) + "/" + id);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.detail()).startsWith("Cancel the job first");
            assertThat(app.post(jobs(p) + "/" + id + "/cancel").json().get("status").asText()).isEqualTo("cancelled");
            assertThat(app.delete(jobs(p) + "/" + id).status()).isEqualTo(204);
        } finally {
            app.context().getRouteController().startRoute("job-worker-consume");
        }
    }

    @Test
    void filtersByStatusStageAndSource() throws Exception {
        String p = project();
        String ok = createJob(p, sourceFile("f-ok.txt", "fine")).json().get("id").asText();
        JsonNode done = awaitTerminal(p, ok);
        String bad = app.postJson(jobs(p), "{\"source_path\":\"" + sourceFile("f-bad.txt", "x") + "\",\"checksum\":\""
                + "1".repeat(64) + "\"}").json().get("id").asText();
        awaitTerminal(p, bad);
        assertThat(app.get(jobs(p) + "?status=completed").json().get("items").findValuesAsText("id")).containsExactly(ok);
        assertThat(app.get(jobs(p) + "?status=failed").json().get("items").findValuesAsText("id")).containsExactly(bad);
        assertThat(app.get(jobs(p) + "?stage=done").json().get("total").asLong()).isEqualTo(1);
        String source = done.get("source_id").asText();
        assertThat(app.get(jobs(p) + "?source_id=" + source).json().get("total").asLong()).isEqualTo(2);
        assertThat(app.get(jobs(p) + "?source_id=" + UUID.randomUUID()).json().get("total").asLong()).isZero();
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
