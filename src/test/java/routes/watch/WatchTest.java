package routes.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.storage.Sha256;
import routes.support.ApiClient;
import routes.support.S3ProxyServer;
import routes.support.SampleDocuments;
import routes.support.TestApp;
import routes.support.TestDatabase;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The watched prefix on a real S3 protocol server (S3Proxy) and SQLite, in move mode: dropped files become jobs of
 * the right project, each read once, and end under processed/; files that break a rule end under rejected/ with
 * their reason, and no job; a file still being rewritten is taken once it settled, with its final content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchTest {

    static final String BUCKET = "cortex-watch";
    static final ObjectMapper JSON = new ObjectMapper();

    S3ProxyServer s3;
    S3Client client;
    TestApp app;

    @BeforeAll
    void start(@TempDir Path dir) {
        s3 = S3ProxyServer.start(dir, TestApp.freePort(), true);
        client = s3.client();
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), watchSettings(s3, Map.of(
                "cortex.storage.max-upload-mb", "1",
                "cortex.watch.min-age-seconds", "2")));
    }

    /** The S3 backend and the watch on {@code s3}, polling every 300 ms. */
    static Map<String, String> watchSettings(S3ProxyServer s3, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "cortex.storage.backend", "s3",
                "cortex.storage.bucket", BUCKET,
                "cortex.storage.endpoint-url", s3.endpoint(),
                "cortex.storage.access-key", S3ProxyServer.ACCESS_KEY,
                "cortex.storage.secret-key", S3ProxyServer.SECRET_KEY,
                "cortex.watch.enabled", "true",
                "cortex.watch.poll-delay-ms", "300",
                "cortex.watch.min-age-seconds", "0"));
        settings.putAll(more);
        return settings;
    }

    @AfterAll
    void stop() {
        app.close();
        client.close();
        s3.close();
    }

    static String project(ApiClient app, String name) {
        return app.postJson("/api/projects", "{\"name\":\"" + name + "\"}").json().get("id").asText();
    }

    static List<JsonNode> jobs(ApiClient app, String project) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = app.get("/api/projects/" + project + "/ingest/jobs?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(all::add);
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return all;
    }

    /** Exactly {@code count} jobs, all completed: read from one listing. */
    static boolean completed(List<JsonNode> jobs, int count) {
        return jobs.size() == count && jobs.stream().allMatch(j -> j.get("status").asText().equals("completed"));
    }

    static void put(S3Client client, String key, String contentType, byte[] bytes) {
        client.putObject(b -> b.bucket(BUCKET).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    }

    static List<String> keys(S3Client client, String prefix) {
        // URL-encoded, as the watch lists: a key with a control character makes a plain listing unparseable
        return client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)
                .encodingType(software.amazon.awssdk.services.s3.model.EncodingType.URL)).contents().stream()
                .map(S3Object::key).toList();
    }

    @Test
    void fiftyFilesUnderTwoProjectsBecomeFiftyCompletedJobsEachReadOnce() {
        String a = project(app, "team a");
        String b = project(app, "team b");
        for (int i = 0; i < 50; i++) {
            String project = i % 2 == 0 ? a : b;
            put(client, "inbox/" + project + "/reports/r" + i + ".txt", "text/plain",
                    ("report " + i + " of the week").getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> completed(jobs(app, a), 25) && completed(jobs(app, b), 25));
        await().atMost(Duration.ofSeconds(20)).until(() -> keys(client, "inbox/").isEmpty());
        assertThat(keys(client, "processed/inbox/" + a + "/reports/")).hasSize(25);
        assertThat(keys(client, "processed/inbox/" + b + "/reports/")).hasSize(25);
        JsonNode job = jobs(app, a).stream().filter(j -> j.get("original_filename").asText().equals("r0.txt"))
                .findFirst().orElseThrow();
        assertThat(job.get("source_path").asText()).isEqualTo("s3://" + BUCKET + "/inbox/" + a + "/reports/r0.txt");
        assertThat(job.get("source_uri").asText()).startsWith("s3://" + BUCKET + "/ingest/" + a + "/");
        assertThat(job.get("checksum").asText()).isEqualTo(Sha256.of("report 0 of the week".getBytes(StandardCharsets.UTF_8)));
        assertThat(job.get("mime_type").asText()).isEqualTo("text/plain");
        assertThat(job.get("byte_size").asLong()).isEqualTo(20);
        // each dropped object was downloaded once: the ledger is consulted from the listing, before any read
        assertThat(s3.requests("GET", BUCKET, "inbox/" + a + "/")).isEqualTo(25);
        assertThat(s3.requests("GET", BUCKET, "inbox/" + b + "/")).isEqualTo(25);
    }

    @Test
    void objectsThatBreakARuleAreRejectedWithTheirReasonAndMakeNoJob() throws Exception {
        String p = project(app, "rejections");
        Map<String, String> expected = new HashMap<>();
        put(client, "inbox/" + p + "/tool.exe", "application/x-msdownload", "MZ".getBytes(StandardCharsets.UTF_8));
        expected.put("inbox/" + p + "/tool.exe", "Unsupported content type");
        put(client, "inbox/" + p + "/big.txt", "text/plain", "x".repeat(1024 * 1024 + 1).getBytes(StandardCharsets.UTF_8));
        expected.put("inbox/" + p + "/big.txt", "too large");
        put(client, "inbox/" + p + "/paper.txt", "text/plain", SampleDocuments.pdf("not text", "a page of a PDF"));
        expected.put("inbox/" + p + "/paper.txt", "does not match its declared type");
        String stranger = java.util.UUID.randomUUID().toString();
        put(client, "inbox/" + stranger + "/a.txt", "text/plain", "who am I".getBytes(StandardCharsets.UTF_8));
        expected.put("inbox/" + stranger + "/a.txt", "Unknown project");
        put(client, "inbox/loose.txt", "text/plain", "no project".getBytes(StandardCharsets.UTF_8));
        expected.put("inbox/loose.txt", "wrong depth");
        put(client, "inbox/not-a-project/a.txt", "text/plain", "bad id".getBytes(StandardCharsets.UTF_8));
        expected.put("inbox/not-a-project/a.txt", "Not a project id");

        await().atMost(Duration.ofSeconds(30)).until(() -> expected.keySet().stream()
                .allMatch(k -> keys(client, "rejected/" + k).size() == 2));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(keys(client, e.getKey())).as(e.getKey() + " left the watched prefix").isEmpty();
            JsonNode reason = JSON.readTree(client.getObjectAsBytes(b -> b.bucket(BUCKET)
                    .key("rejected/" + e.getKey() + ".reason.json")).asByteArray());
            assertThat(reason.get("object").asText()).isEqualTo("s3://" + BUCKET + "/" + e.getKey());
            assertThat(reason.get("reason").asText()).as(e.getKey()).containsIgnoringCase(e.getValue());
            assertThat(reason.get("rejected_at").asText()).endsWith("Z");
            assertThat(reason.has("setting")).isTrue();
        }
        assertThat(jobs(app, p)).isEmpty();
        assertThat(s3.requests("GET", BUCKET, "inbox/" + p + "/big.txt")).as("too large from the listing: never read")
                .isZero();
    }

    @Test
    void anObjectStillBeingRewrittenIsTakenOnceItSettledWithItsFinalContent() {
        String p = project(app, "settling");
        String key = "inbox/" + p + "/growing.txt";
        String content = "";
        WatchStatus status = app.bean("watchStatus", WatchStatus.class);
        for (int step = 1; step <= 4; step++) {
            content += "part " + step + "\n";
            put(client, key, "text/plain", content.getBytes(StandardCharsets.UTF_8));
            // the writer goes on only after a round has listed the object as it is now: it was seen while growing
            long seen = (long) status.details().get("objects_seen");
            await().atMost(Duration.ofSeconds(10)).until(() -> (long) status.details().get("objects_seen") > seen);
            assertThat(jobs(app, p)).as("not taken while it changes").isEmpty();
        }
        String last = content;
        await().atMost(Duration.ofSeconds(30)).until(() -> completed(jobs(app, p), 1));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> jobs(app, p).size() == 1);
        assertThat(jobs(app, p).get(0).get("checksum").asText())
                .isEqualTo(Sha256.of(last.getBytes(StandardCharsets.UTF_8)));
        assertThat(s3.requests("GET", BUCKET, key)).isEqualTo(1);
    }

    @Test
    void keysWithControlCharactersAreRejectedAndTheRoundGoesOn() throws Exception {
        String p = project(app, "odd keys");
        String bystander = project(app, "bystander");
        // U+0001 cannot be carried by XML 1.0: listed without URL encoding, it made every listing fail
        List<String> odd = List.of("inbox/" + p + "/poison/bad\u0001name.txt", "inbox/" + p + "/nl\nname.txt",
                "inbox/" + p + "/tab\tname.txt");
        for (String key : odd) {
            put(client, key, "text/plain", "odd".getBytes(StandardCharsets.UTF_8));
        }
        put(client, "inbox/" + bystander + "/fine.txt", "text/plain", "a fine file".getBytes(StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(30)).until(() -> completed(jobs(app, bystander), 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> odd.stream()
                .allMatch(k -> keys(client, "rejected/" + k).size() == 2));
        for (String key : odd) {
            JsonNode reason = JSON.readTree(client.getObjectAsBytes(b -> b.bucket(BUCKET)
                    .key("rejected/" + key + ".reason.json")).asByteArray());
            assertThat(reason.get("reason").asText()).contains("control characters");
            assertThat(reason.get("what_to_do").asText()).contains("rename");
        }
        assertThat(jobs(app, p)).isEmpty();
        assertThat(app.get("/observe/health/ready").status()).as("the watch stays healthy").isEqualTo(200);
    }

    @Test
    void textFilesStoredWithoutAContentTypeBecomeJobs() {
        String p = project(app, "no content type");
        // what `aws s3 cp` and put-object without --content-type store: S3's binary/octet-stream
        Map<String, String> expected = Map.of("README", "text/plain", "app.log", "text/x-log",
                "notes.yaml", "text/x-yaml", "data.dat", "text/plain");
        expected.keySet().forEach(name -> put(client, "inbox/" + p + "/" + name, "binary/octet-stream",
                ("plain words in " + name + "\nkey: value\n").getBytes(StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(60)).until(() -> completed(jobs(app, p), 4));
        for (JsonNode job : jobs(app, p)) {
            assertThat(job.get("mime_type").asText()).as(job.get("original_filename").asText())
                    .isEqualTo(expected.get(job.get("original_filename").asText()));
        }
    }

    @Test
    void aRejectedDropPutAgainIsJudgedAfresh() throws Exception {
        String p = project(app, "fixed drops");
        String key = "inbox/" + p + "/fixed.txt";
        byte[] bytes = "plain words, nothing else".getBytes(StandardCharsets.UTF_8);
        put(client, key, "application/pdf", bytes);
        await().atMost(Duration.ofSeconds(30)).until(() -> keys(client, "rejected/" + key).size() == 2
                && keys(client, key).isEmpty());
        assertThat(reason(key).get("reason").asText()).contains("does not match its declared type");
        assertThat(reason(key).get("setting").isNull()).as("no setting accepts a false type").isTrue();
        assertThat(reason(key).get("what_to_do").asText()).contains("Content-Type");

        // the same bytes put again (listings show whole seconds): a new drop, with its own reason
        Thread.sleep(1100);
        put(client, key, "application/x-msdownload", bytes);
        // the reason is written before the inbox object is deleted: wait for both
        await().atMost(Duration.ofSeconds(30)).until(() -> reason(key).get("reason").asText()
                .startsWith("Unsupported content type") && keys(client, key).isEmpty());
        assertThat(reason(key).get("setting").asText()).isEqualTo("CORTEX_STORAGE_ALLOWED_CONTENT_TYPES");
        assertThat(keys(client, key)).isEmpty();

        Thread.sleep(1100);
        put(client, key, "text/plain", bytes);
        await().atMost(Duration.ofSeconds(30)).until(() -> completed(jobs(app, p), 1));
        assertThat(jobs(app, p).get(0).get("checksum").asText()).isEqualTo(Sha256.of(bytes));
    }

    @Test
    void aDropWhoseJobFailedMakesANewJobWhenPutAgain() throws Exception {
        String p = project(app, "failed drops");
        String key = "inbox/" + p + "/blank.txt";
        byte[] blank = "   \n\n   ".getBytes(StandardCharsets.UTF_8);
        put(client, key, "text/plain", blank);
        await().atMost(Duration.ofSeconds(30)).until(() -> failed(jobs(app, p), 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> keys(client, key).isEmpty());

        Thread.sleep(1100);
        put(client, key, "text/plain", blank);
        await().atMost(Duration.ofSeconds(30)).until(() -> failed(jobs(app, p), 2));
    }

    @Test
    void theWatchCountersAreMetricsThatCount() {
        String p = project(app, "counted");
        put(client, "inbox/" + p + "/one.txt", "text/plain", "one".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> completed(jobs(app, p), 1));
        // Micrometer reads a function counter through a weak reference: a collected one stops counting
        System.gc();
        System.gc();
        WatchStatus status = app.bean("watchStatus", WatchStatus.class);
        long before = (long) status.details().get("accepted");
        String metrics = app.get("/observe/metrics").body();
        long after = (long) status.details().get("accepted");
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("cortex_watch_objects_total\\{outcome=\"accepted\"} ([0-9.]+)").matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        assertThat(before).isPositive();
        assertThat(Double.parseDouble(m.group(1))).isBetween((double) before, (double) after);
    }

    private JsonNode reason(String key) throws java.io.IOException {
        return JSON.readTree(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("rejected/" + key + ".reason.json"))
                .asByteArray());
    }

    static boolean failed(List<JsonNode> jobs, int count) {
        return jobs.size() == count && jobs.stream().allMatch(j -> j.get("status").asText().equals("failed"));
    }

    @Test
    void theWatchIsInTheHealthReportWithItsCounters() {
        JsonNode health = app.get("/observe/health").json();
        assertThat(health.toString()).contains("s3-watch").contains("last_listing").contains("objects_seen");
    }
}
