package routes.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import routes.db.Database;
import routes.support.StreamClient;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** The WebSocket and SSE streams of one instance: order, replay without gaps, per-job streams, refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamTest {

    TestApp app;
    Path file;
    String project;
    String other;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        file = Files.writeString(sources.resolve("doc.txt"), "streamed ".repeat(200));
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(),
                "cortex.testing.stage-delay-ms", "150",
                "cortex.worker.progress-interval-ms", "0"));
        project = app.postJson("/api/projects", "{\"name\":\"streams\"}").json().get("id").asText();
        other = app.postJson("/api/projects", "{\"name\":\"elsewhere\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    String job(String projectId) {
        return app.postJson("/api/projects/" + projectId + "/ingest/jobs", "{\"source_path\":\"" + file + "\"}")
                .json().get("id").asText();
    }

    static boolean completed(JsonNode event, String jobId) {
        return event.at("/job/id").asText().equals(jobId) && event.at("/job/status").asText().equals("completed");
    }

    @Test
    void eventsTheTopicSubscriptionMissedAreReadBackFromTheOutbox() throws Exception {
        String project = app.postJson("/api/projects", "{\"name\":\"missed\"}").json().get("id").asText();
        try (StreamClient.Socket socket = StreamClient.connectLive(app, project)) {
            String first = job(project);
            socket.until(e -> e.at("/job/id").asText().equals(first));
            // The non-durable subscription is down (as while the broker restarts): what is relayed meanwhile is lost
            // on the topic for this instance.
            app.context().getRouteController().stopRoute("status-fanout");
            String missed = app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"while nobody listened\"}").json().get("job_id").asText();
            Database db = app.bean("database", Database.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/api/projects/" + project + "/ingest/jobs/"
                    + missed).json().at("/status").asText().equals("completed")
                    && db.read(c -> db.queryOne(c, "SELECT COUNT(*) FROM job_events WHERE published_at IS NULL",
                            rs -> rs.getInt(1))).orElseThrow() == 0);
            app.context().getRouteController().startRoute("status-fanout");
            String after = job(project);
            List<JsonNode> events = socket.until(e -> completed(e, after));
            List<JsonNode> ofMissed = events.stream().filter(e -> e.at("/job/id").asText().equals(missed)).toList();
            assertThat(ofMissed).isNotEmpty();
            assertThat(ofMissed.get(0).get("type").asText()).isEqualTo("ingest.job.created");
            assertThat(ofMissed.get(ofMissed.size() - 1).at("/job/status").asText()).isEqualTo("completed");
            List<Long> seqs = events.stream().map(e -> e.get("seq").asLong()).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates();
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("no gap after seq " + seqs.get(i - 1)).isEqualTo(seqs.get(i - 1) + 1);
            }
        }
    }

    @Test
    void projectStreamShowsAJobFromCreatedToCompletedInOrder() throws Exception {
        String project = app.postJson("/api/projects", "{\"name\":\"whole life\"}").json().get("id").asText();
        try (StreamClient.Socket socket = StreamClient.connectLive(app, project)) {
            job(other);
            String id = job(project);
            List<JsonNode> events = socket.until(e -> completed(e, id));
            assertThat(events).allSatisfy(e -> {
                assertThat(e.at("/job/project_id").asText()).isEqualTo(project);
                assertThat(e.fieldNames()).toIterable().containsExactly("seq", "type", "job", "timestamp");
                assertThat(e.get("timestamp").asText()).endsWith("Z");
                assertThat(e.get("job").size()).isEqualTo(24);
            });
            assertThat(events.get(0).get("type").asText()).isEqualTo("ingest.job.created");
            assertThat(events.get(0).at("/job/status").asText()).isEqualTo("queued");
            List<String> stages = events.stream().map(e -> e.at("/job/stage").asText()).distinct().toList();
            assertThat(stages).containsSubsequence("initial", "fetch", "verify", "detect", "extract", "chunk", "store", "done");
            List<Long> seqs = events.stream().map(e -> e.get("seq").asLong()).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates();
            assertThat(events.stream().filter(e -> e.at("/job/status").asText().equals("running"))).isNotEmpty();
        }
    }

    @Test
    void resumeAfterADisconnectGetsExactlyTheMissedEventsThenLive() throws Exception {
        String project = app.postJson("/api/projects", "{\"name\":\"resume\"}").json().get("id").asText();
        String id;
        List<JsonNode> first;
        try (StreamClient.Socket socket = StreamClient.connectLive(app, project)) {
            id = job(project);
            first = List.of(socket.next(), socket.next());
        }
        long lastSeen = first.get(1).get("seq").asLong();
        // the rest of the job happens while nobody listens
        await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/api/projects/" + project + "/ingest/jobs/" + id)
                .json().get("status").asText().equals("completed"));
        try (StreamClient.Socket socket = StreamClient.connect(app,
                "/api/stream/projects/" + project + "/ingest?after=" + lastSeen)) {
            String finalId = id;
            List<JsonNode> rest = socket.until(e -> completed(e, finalId));
            List<Long> seqs = new ArrayList<>(first.stream().map(e -> e.get("seq").asLong()).toList());
            seqs.addAll(rest.stream().map(e -> e.get("seq").asLong()).toList());
            // every event of the project from the first one seen, with no gap and nothing twice
            List<Long> stored = new ArrayList<>();
            for (long s = seqs.get(0); s <= seqs.get(seqs.size() - 1); s++) {
                stored.add(s);
            }
            assertThat(seqs).isEqualTo(stored);
            // and a job created now arrives live on the same connection
            String later = job(project);
            assertThat(socket.until(e -> e.at("/job/id").asText().equals(later)).get(0).get("seq").asLong())
                    .isEqualTo(seqs.get(seqs.size() - 1) + 1);
        }
    }

    @Test
    void sseStreamsOneJobAndResumesFromLastEventId() throws Exception {
        String id = job(project);
        String path = "/api/stream/projects/" + project + "/ingest/" + id + "/events";
        List<JsonNode> firstTwo = StreamClient.events(app, path, null, 2);
        assertThat(firstTwo.get(0).get("event").asText()).isEqualTo("ingest.job.snapshot");
        String resumeFrom = firstTwo.get(1).get("id").asText();
        List<JsonNode> rest = StreamClient.events(app, path, resumeFrom, 1000);
        // the stream ends by itself after the terminal status
        JsonNode last = rest.get(rest.size() - 1);
        assertThat(last.at("/data/job/status").asText()).isEqualTo("completed");
        assertThat(rest).allSatisfy(e -> {
            assertThat(e.get("id").asLong()).isGreaterThan(Long.parseLong(resumeFrom));
            assertThat(e.get("event").asText()).isEqualTo(e.at("/data/type").asText());
            assertThat(e.at("/data/job/id").asText()).isEqualTo(id);
            assertThat(e.get("id").asLong()).isEqualTo(e.at("/data/seq").asLong());
        });
        assertThat(rest.stream().map(e -> e.get("id").asLong()).toList()).isSorted().doesNotHaveDuplicates();
        // a finished job's stream is its snapshot, then the end
        List<JsonNode> again = StreamClient.events(app, path, null, 1000);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).at("/data/job/status").asText()).isEqualTo("completed");
    }

    @Test
    void perJobSocketStartsWithASnapshotThenThatJobOnly() throws Exception {
        String id = job(project);
        try (StreamClient.Socket socket = StreamClient.connect(app, "/api/stream/projects/" + project + "/ingest/" + id)) {
            JsonNode snapshot = socket.next();
            assertThat(snapshot.fieldNames()).toIterable().containsExactly("type", "job", "seq", "timestamp");
            assertThat(snapshot.get("type").asText()).isEqualTo("ingest.job.snapshot");
            job(project); // another job of the project: not on this stream
            List<JsonNode> events = socket.until(e -> completed(e, id));
            assertThat(events).allSatisfy(e -> assertThat(e.at("/job/id").asText()).isEqualTo(id));
            assertThat(events.get(0).get("seq").asLong()).isGreaterThan(snapshot.get("seq").asLong());
        }
    }

    @Test
    void unknownJobsAndProjectsAreRefused() throws Exception {
        String theirs = job(other);
        for (String jobId : List.of(UUID.randomUUID().toString(), theirs)) {
            try (StreamClient.Socket socket = StreamClient.connect(app, "/api/stream/projects/" + project + "/ingest/" + jobId)) {
                JsonNode error = socket.next();
                assertThat(error.get("error").asText()).isEqualTo("job_not_found");
                assertThat(error.get("job_id").asText()).isEqualTo(jobId);
                assertThat(socket.closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).startsWith("1008");
            }
        }
        String unknown = UUID.randomUUID().toString();
        // 404 before the upgrade
        assertThatThrownBy(() -> StreamClient.connect(app, "/api/stream/projects/" + unknown + "/ingest"))
                .cause().isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
        var refused = app.get("/api/stream/projects/" + unknown + "/ingest");
        assertThat(refused.status()).isIn(400, 404);
        var sse = app.get("/api/stream/projects/" + unknown + "/ingest/" + theirs + "/events");
        assertThat(sse.status()).isEqualTo(404);
        assertThat(sse.json().get("detail").asText()).contains("Project not found");
        var otherJob = app.get("/api/stream/projects/" + project + "/ingest/" + theirs + "/events");
        assertThat(otherJob.status()).isEqualTo(404);
        assertThat(app.get("/api/stream/projects/" + project + "/ingest/" + theirs + "/events?lastEventId=x").status())
                .isEqualTo(400);
    }

    @Test
    void aResumedStreamOfAFinishedJobEndsAndTellsTheBrowserToStop() throws Exception {
        String id = job(project);
        String path = "/api/stream/projects/" + project + "/ingest/" + id + "/events";
        // the whole life from the start (Last-Event-ID 0): it ends with the terminal event, id N
        List<JsonNode> life = StreamClient.events(app, path, "0", 1000);
        JsonNode terminal = life.get(life.size() - 1);
        assertThat(terminal.at("/data/job/status").asText()).isEqualTo("completed");
        String n = terminal.get("id").asText();
        // an EventSource reconnects with Last-Event-ID N: 204 tells it to stop (a 200 that ends is reconnected to)
        for (String resume : List.of(path + "?lastEventId=" + n, path)) {
            var request = java.net.http.HttpRequest.newBuilder(app.uri(resume)).GET();
            if (resume.equals(path)) {
                request.header("Last-Event-ID", n);
            }
            // bounded to the whole body: a stream that does not end must fail the test, not hang it
            var reply = java.net.http.HttpClient.newHttpClient().sendAsync(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(reply.statusCode()).as(resume).isEqualTo(204);
            assertThat(reply.body()).isEmpty();
        }
        // a resume from before its end replays the rest, then ends
        List<JsonNode> tail = StreamClient.events(app, path, life.get(life.size() - 2).get("id").asText(), 1000);
        assertThat(tail).hasSize(1);
        assertThat(tail.get(0).get("id").asText()).isEqualTo(n);
        // the job's WebSocket alike: the snapshot of the finished job, then a normal close
        try (StreamClient.Socket socket = StreamClient.connect(app, "/api/stream/projects/" + project + "/ingest/" + id)) {
            assertThat(socket.next().at("/job/status").asText()).isEqualTo("completed");
            assertThat(socket.closed.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo("1000 The job reached a terminal status");
        }
    }

    @Test
    void aResumePointBeyondTheProjectsLastEventIsRefusedBeforeTheStreamOpens() throws Exception {
        String id = job(project);
        assertThatThrownBy(() -> StreamClient.connect(app, "/api/stream/projects/" + project + "/ingest?after=999999"))
                .cause().isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class, e -> {
                    assertThat(e.getResponse().statusCode()).isEqualTo(400);
                    assertThat(e.getResponse().body().toString()).contains("after 999999 is beyond this project's last"
                            + " event (seq ");
                });
        var sse = app.send(java.net.http.HttpRequest.newBuilder(app.uri("/api/stream/projects/" + project + "/ingest/"
                + id + "/events")).header("Last-Event-ID", "999999").GET(), Duration.ofSeconds(10));
        assertThat(sse.status()).isEqualTo(400);
        assertThat(sse.json().get("detail").asText()).startsWith("Last-Event-ID 999999 is beyond this project's last"
                + " event (seq ").endsWith("): resume from the seq of an event this stream sent");
        // the last seq itself is a valid resume point: live from there
        try (StreamClient.Socket socket = StreamClient.connect(app, "/api/stream/projects/" + project + "/ingest?after="
                + lastSeq())) {
            String next = job(project);
            assertThat(socket.next().at("/job/id").asText()).isEqualTo(next);
        }
    }

    /** The project's last seq: once every job of it is over, a new job's terminal event is the last event. */
    private long lastSeq() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/api/projects/" + project + "/ingest/jobs?status=running")
                .json().get("total").asLong() == 0 && app.get("/api/projects/" + project + "/ingest/jobs?status=queued")
                .json().get("total").asLong() == 0);
        String id = job(project);
        List<JsonNode> life = StreamClient.events(app, "/api/stream/projects/" + project + "/ingest/" + id + "/events",
                "0", 1000);
        return life.get(life.size() - 1).get("id").asLong();
    }

    @Test
    void aHandshakeWithoutConnectionUpgradeIsRefusedInJson() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.uri("/").getPort())) {
            socket.getOutputStream().write(("GET /api/stream/projects/" + project + "/ingest HTTP/1.1\r\nHost: localhost"
                    + "\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/json")
                    .endsWith("{\"detail\":\"A WebSocket handshake needs the header Connection: Upgrade\"}");
        }
    }
}
