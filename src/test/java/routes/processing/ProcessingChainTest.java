package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.document.Chunk;
import routes.document.DocumentStore;
import routes.document.ExtractedDocument;
import routes.support.ApiClient.Reply;
import routes.support.FileServer;
import routes.support.SampleDocuments;
import routes.support.SampleTree;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The worker's whole chain on real sources: documents extracted by Tika, trees indexed (git repository, local
 * directory, zip and tar.gz archives), http files from a local server, and what it stored read back page by page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessingChainTest {

    TestApp app;
    FileServer web;
    Path sources;
    String project;

    @BeforeAll
    void start(@TempDir Path tmp) {
        sources = tmp.resolve("sources");
        SampleTree.write(sources.resolve("plain"));
        SampleTree.gitRepository(sources.resolve("repo"));
        SampleTree.zip(sources.resolve("plain"), sources.resolve("sample.zip"));
        SampleTree.tarGz(sources.resolve("plain"), sources.resolve("sample.tar.gz"));
        web = new FileServer()
                .file("/files/notes.md", "text/markdown", "# Notes\n\nFetched over HTTP.\n".getBytes(StandardCharsets.UTF_8))
                .file("/files/page.html", "text/html", SampleDocuments.HTML.getBytes(StandardCharsets.UTF_8))
                .endless("/files/huge.txt", 3L * 1024 * 1024)
                .slow("/files/slow.txt", 5000);
        web.redirect("/go/notes", web.url("/files/notes.md"))
                .redirect("/go/metadata", "http://169.254.169.254/latest/meta-data/")
                .redirect("/go/private", "http://10.1.2.3/internal.txt");
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(),
                "cortex.fetch.allowed-hosts", web.hostAndPort(),
                "cortex.fetch.read-timeout-ms", "500",
                "cortex.storage.max-upload-mb", "1",
                "cortex.index.max-file-kb", "64",
                "cortex.chunk.size", "200",
                "cortex.chunk.overlap", "20",
                "cortex.task.max-retries", "0"));
        project = app.postJson("/api/projects", "{\"name\":\"chain\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
        web.close();
    }

    String jobs() {
        return "/api/projects/" + project + "/ingest/jobs";
    }

    JsonNode finished(String jobId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> app.get(jobs() + "/" + jobId).json(),
                j -> List.of("completed", "failed", "cancelled").contains(j.get("status").asText()));
    }

    JsonNode completed(Reply created) {
        assertThat(created.status()).as(created.body()).isIn(200, 201);
        String id = created.json().has("job_id") ? created.json().get("job_id").asText() : created.json().get("id").asText();
        JsonNode job = finished(id);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        return job;
    }

    JsonNode failed(Reply created) {
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode job = finished(created.json().get("id").asText());
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("failed");
        return job;
    }

    List<JsonNode> documents(JsonNode job) {
        List<JsonNode> items = new ArrayList<>();
        app.get(jobs() + "/" + job.get("id").asText() + "/documents").json().get("items").forEach(items::add);
        return items;
    }

    /** Every chunk of a document, following nextCursor page by page. */
    List<JsonNode> chunks(String documentId, int pageSize) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = app.get("/api/projects/" + project + "/documents/" + documentId + "/chunks?limit=" + pageSize
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("items").forEach(all::add);
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
        } while (cursor != null);
        return all;
    }

    String text(String documentId) {
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks(documentId, 100)) {
            // chunks overlap: append what starts after the text so far
            int start = chunk.get("start_offset").asInt();
            text.append(chunk.get("content").asText().substring(text.length() - start));
        }
        return text.toString();
    }

    void assertIndexedTree(JsonNode job, String rootTitle) {
        List<JsonNode> docs = documents(job);
        assertThat(docs.get(0).get("path").asText()).isEqualTo(".");
        assertThat(docs.get(0).get("title").asText()).isEqualTo(rootTitle);
        assertThat(docs.get(0).get("id").asText()).isEqualTo(job.get("canonical_document_id").asText());
        assertThat(docs.stream().skip(1).map(d -> d.get("path").asText()).toList())
                .containsExactlyElementsOf(SampleTree.INDEXED);
        assertThat(job.get("message").asText()).startsWith("Indexed 5 files, ");
        assertThat(job.get("stage").asText()).isEqualTo("done");
        JsonNode readme = docs.stream().filter(d -> d.get("path").asText().equals("README.md")).findFirst().orElseThrow();
        assertThat(readme.get("title").asText()).isEqualTo("Sample project");
        assertThat(text(readme.get("id").asText())).isEqualTo("# Sample project\n\nThis repository shows what the indexer keeps.\n");
        JsonNode code = docs.stream().filter(d -> d.get("path").asText().equals("src/main/App.java")).findFirst().orElseThrow();
        assertThat(chunks(code.get("id").asText(), 10).get(0).get("path").asText()).isEqualTo("src/main/App.java");
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void gitRepositoryClonedWithJGit() {
        JsonNode job = completed(app.postJson("/api/projects/" + project + "/ingest",
                "{\"source_type\":\"repository\",\"repo_url\":\"git+" + sources.resolve("repo").toUri() + "\"}"));
        assertIndexedTree(job, "repo");
    }

    @Test
    void localDirectoryWithAGitFolderIsClonedToo() {
        JsonNode job = completed(app.postJson("/api/projects/" + project + "/ingest",
                "{\"source_type\":\"repository\",\"repo_path\":\"" + sources.resolve("repo") + "\"}"));
        assertIndexedTree(job, "repo");
    }

    @Test
    void plainDirectoryRespectsGitignore() {
        JsonNode job = completed(app.postJson(jobs(), "{\"source_path\":\"" + sources.resolve("plain") + "\"}"));
        assertIndexedTree(job, "plain");
    }

    @Test
    void zipAndTarGzArchives() {
        assertIndexedTree(completed(app.postJson(jobs(), "{\"source_path\":\"" + sources.resolve("sample.zip") + "\"}")),
                "sample.zip");
        assertIndexedTree(completed(app.postJson(jobs(), "{\"source_path\":\"" + sources.resolve("sample.tar.gz") + "\"}")),
                "sample.tar.gz");
        // the same archive uploaded: validated by its bytes, stored, then indexed
        JsonNode uploaded = completed(app.upload("/api/projects/" + project + "/ingest/upload", "sample.zip",
                readAll(sources.resolve("sample.zip")), "application/zip", null));
        assertIndexedTree(uploaded, "sample.zip");
    }

    @Test
    void pdfAndDocxUploadsAreExtracted() {
        String upload = "/api/projects/" + project + "/ingest/upload";
        JsonNode pdf = completed(app.upload(upload, "report.pdf",
                SampleDocuments.pdf("Quarterly report", "Revenue grew in the third quarter."), "application/pdf", null));
        assertThat(pdf.get("mime_type").asText()).isEqualTo("application/pdf");
        JsonNode pdfDoc = documents(pdf).get(0);
        assertThat(pdfDoc.get("title").asText()).isEqualTo("Quarterly report");
        assertThat(text(pdfDoc.get("id").asText())).contains("Revenue grew in the third quarter.");

        JsonNode docx = completed(app.upload(upload, "memo.docx", SampleDocuments.docx("Memo", "Chunks keep offsets."),
                TextExtractorTest.DOCX, null));
        assertThat(text(documents(docx).get(0).get("id").asText())).contains("Chunks keep offsets.");
        JsonNode html = completed(app.upload(upload, "page.html", SampleDocuments.HTML.getBytes(StandardCharsets.UTF_8),
                "text/html", null));
        assertThat(text(documents(html).get(0).get("id").asText())).contains("extracts HTML").doesNotContain("secretScript", "<");
    }

    @Test
    void aSourceWithoutTextFailsAtOnceWithAClearMessage() throws Exception {
        JsonNode blank = failed(app.postJson(jobs(), "{\"source_path\":\""
                + Files.write(sources.resolve("blank.pdf"), SampleDocuments.pdf("Blank", " ")) + "\"}"));
        assertThat(blank.get("error_message").asText()).isEqualTo("No text could be extracted from blank.pdf (application/pdf)");
        assertThat(blank.get("attempts").asInt()).isEqualTo(1);
        Path binaries = Files.createDirectories(sources.resolve("binaries"));
        Files.write(binaries.resolve("a.bin"), new byte[] {0, 1, 2, 3});
        JsonNode tree = failed(app.postJson(jobs(), "{\"source_path\":\"" + binaries + "\"}"));
        assertThat(tree.get("error_message").asText()).isEqualTo("No text files found in binaries");
        assertThat(app.get(jobs() + "/" + tree.get("id").asText() + "/documents").json().get("items")).isEmpty();
    }

    @Test
    void httpFileFollowsAnAllowedRedirect() {
        JsonNode job = completed(app.postJson(jobs(), "{\"source_uri\":\"" + web.url("/go/notes") + "\"}"));
        JsonNode doc = documents(job).get(0);
        assertThat(doc.get("title").asText()).isEqualTo("Notes");
        assertThat(text(doc.get("id").asText())).isEqualTo("# Notes\n\nFetched over HTTP.\n");
        assertThat(job.get("mime_type").asText()).isEqualTo("text/markdown");
        assertThat(app.filesUnder("tmp")).isZero();
        JsonNode html = completed(app.postJson(jobs(), "{\"source_uri\":\"" + web.url("/files/page.html") + "\"}"));
        assertThat(text(documents(html).get(0).get("id").asText())).contains("extracts HTML").doesNotContain("<b>");
    }

    @Test
    void httpFileOverTheLimitFailsWithoutRetrying() {
        JsonNode job = failed(app.postJson(jobs(), "{\"source_uri\":\"" + web.url("/files/huge.txt") + "\"}"));
        assertThat(job.get("error_message").asText()).contains("Source too large");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void httpTimeoutIsATransientError() {
        JsonNode job = failed(app.postJson(jobs(), "{\"source_uri\":\"" + web.url("/files/slow.txt") + "\"}"));
        assertThat(job.get("error_message").asText()).contains("Timed out");
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void redirectToAPrivateAddressIsRefused() {
        JsonNode metadata = failed(app.postJson(jobs(), "{\"source_uri\":\"" + web.url("/go/metadata") + "\"}"));
        assertThat(metadata.get("error_message").asText()).contains("Refused to fetch http://169.254.169.254/");
        JsonNode internal = failed(app.postJson(jobs(), "{\"source_uri\":\"" + web.url("/go/private") + "\"}"));
        assertThat(internal.get("error_message").asText()).contains("Refused to fetch http://10.1.2.3/");
    }

    @Test
    void credentialsInASourceUrlAreNeverShown() throws Exception {
        java.io.StringWriter logged = new java.io.StringWriter();
        org.apache.logging.log4j.core.LoggerContext logs =
                (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        var config = logs.getConfiguration();
        var capture = org.apache.logging.log4j.core.appender.WriterAppender.createAppender(
                (org.apache.logging.log4j.core.StringLayout) config.getAppender("out").getLayout(), null, logged,
                "capture", false, true);
        capture.start();
        config.getRootLogger().addAppender(capture, org.apache.logging.log4j.Level.ALL, null);
        logs.updateLoggers();
        try {
            String secretUrl = web.url("/files/missing.txt").replace("http://", "http://deploy:s3cr3t-token@")
                    + "?access_token=t0ps3cr3t";
            Reply created = app.postJson(jobs(), "{\"source_uri\":\"" + secretUrl + "\"}");
            assertThat(created.body()).doesNotContain("s3cr3t").contains("***@");
            JsonNode job = failed(created);
            String shown = job.toString() + app.get(jobs()).body() + app.get(jobs() + "/" + job.get("id").asText()
                    + "/documents").body();
            assertThat(job.get("error_message").asText()).contains("Source not found").contains("***@");
            String events = app.send(java.net.http.HttpRequest.newBuilder(app.uri("/api/stream/projects/" + project
                    + "/ingest/" + job.get("id").asText() + "/events")).header("Accept", "text/event-stream")).body();
            assertThat(events).contains("failed");
            // a refusal that quotes the URL redacts it too
            Reply refused = app.postJson(jobs(), "{\"source_uri\":\"ftp://deploy:s3cr3t-token@example.org/a\"}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(shown + events + refused.body() + logged).doesNotContain("s3cr3t");
        } finally {
            config.getRootLogger().removeAppender("capture");
            logs.updateLoggers();
        }
    }

    @Test
    void remoteSourcesOnPrivateHostsAreRefusedAtCreation() {
        for (String uri : List.of("http://127.0.0.2/notes.md", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]/x.txt", "git+https://10.0.0.8/team/repo.git", "https://localhost/repo.git",
                "ftp://example.org/file.txt")) {
            Reply r = app.postJson(jobs(), "{\"source_uri\":\"" + uri + "\"}");
            assertThat(r.status()).as(uri).isEqualTo(400);
        }
        assertThat(app.postJson(jobs(), "{\"source_uri\":\"http://127.0.0.2/x\"}").detail())
                .contains("private, loopback or link-local", "CORTEX_FETCH_ALLOW_PRIVATE");
        // s3:// sources name objects of the service's own bucket; this instance stores locally
        assertThat(app.postJson(jobs(), "{\"source_uri\":\"s3://elsewhere/key.txt\"}").detail())
                .contains("storage bucket");
        // a repository must be a tree
        assertThat(app.postJson("/api/projects/" + project + "/ingest", "{\"source_type\":\"repository\",\"repo_url\":\""
                + web.url("/files/notes.md") + "\"}").status()).isEqualTo(400);
    }

    @Test
    void chunksArePagedAndScopedToTheProject() {
        String long_ = ("A paragraph about ingest and retrieval, long enough to be chunked.\n\n").repeat(40);
        JsonNode job = completed(app.postJson("/api/projects/" + project + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"" + long_.replace("\n", "\\n") + "\"}"));
        String docId = documents(job).get(0).get("id").asText();
        long count = documents(job).get(0).get("chunk_count").asLong();
        List<JsonNode> paged = chunks(docId, 3);
        assertThat(paged).hasSize((int) count);
        assertThat(paged.stream().map(c -> c.get("ordinal").asInt()).toList())
                .isEqualTo(java.util.stream.IntStream.range(0, (int) count).boxed().toList());
        assertThat(paged).allSatisfy(c -> assertThat(c.get("content").asText().length()).isLessThanOrEqualTo(200));
        assertThat(text(docId)).isEqualTo(long_);
        Reply first = app.get("/api/projects/" + project + "/documents/" + docId + "/chunks?limit=2");
        assertThat(first.json().get("total").asLong()).isEqualTo(count);

        String other = app.postJson("/api/projects", "{\"name\":\"other\"}").json().get("id").asText();
        assertThat(app.get("/api/projects/" + other + "/documents/" + docId + "/chunks").status()).isEqualTo(404);
        assertThat(app.get("/api/projects/" + project + "/documents/" + UUID.randomUUID() + "/chunks").status()).isEqualTo(404);
        assertThat(app.get("/api/projects/" + project + "/documents/not-a-uuid/chunks").status()).isEqualTo(404);
        assertThat(app.get("/api/projects/" + project + "/documents/" + docId + "/chunks?cursor=bogus").status()).isEqualTo(400);
        assertThat(app.get("/api/projects/" + project + "/documents/" + docId + "/chunks?limit=0").status()).isEqualTo(400);
        assertThat(app.delete(jobs() + "/" + job.get("id").asText()).status()).isEqualTo(204);
        assertThat(app.get("/api/projects/" + project + "/documents/" + docId + "/chunks").status()).isEqualTo(404);
    }

    @Test
    void aRedeliveredAttemptLeavesOneSetOfDocuments() throws Exception {
        JsonNode job = completed(app.postJson(jobs(), "{\"source_path\":\"" + sources.resolve("plain") + "\"}"));
        UUID jobId = UUID.fromString(job.get("id").asText());
        List<String> before = documents(job).stream().map(d -> d.get("id").asText()).toList();
        // the broker delivers the same hand-off again: the finished job is not processed again
        app.context().createProducerTemplate().sendBody("jms:queue:cortex.ingest.jobs", jobId.toString());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                documents(job).stream().map(d -> d.get("id").asText()).toList().equals(before));
        assertThat(app.get(jobs() + "/" + jobId).json().get("attempts").asInt()).isEqualTo(1);

        // an attempt that does store (a take-over after a lost lease) replaces what the earlier one stored
        var db = app.bean("database", routes.db.Database.class);
        DocumentStore store = new DocumentStore(db);
        List<ExtractedDocument> second = List.of(new ExtractedDocument(".", "plain", "inode/directory", 0L, null, "", List.of()),
                new ExtractedDocument("README.md", "Again", "text/markdown", 5L, null, "again",
                        List.of(new Chunk(0, 0, 5, "again"))));
        for (int attempt = 0; attempt < 2; attempt++) {
            db.inTransaction(c -> store.replaceForJob(c, UUID.fromString(project), jobId, second, true));
        }
        List<JsonNode> after = documents(job);
        assertThat(after.stream().map(d -> d.get("path").asText()).toList()).containsExactly(".", "README.md");
        assertThat(after.get(1).get("chunk_count").asLong()).isEqualTo(1);
    }

    static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
