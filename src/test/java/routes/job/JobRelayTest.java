package routes.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.api.Json;
import routes.db.Database;
import routes.db.Dialect;
import routes.messaging.EmbeddedBroker;
import routes.messaging.DurableBatch;
import routes.project.ProjectStore;
import routes.support.BothDatabases;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The relay of new jobs: a job is committed with its task id and found by recovery until the relay records its
 * hand-off; a batch sent twice under the same task ids (a relay that died between sending and recording) is on the
 * real broker once; a job committed while the relay does not run still reaches the queue, with the task id its
 * create answer gave.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobRelayTest {

    private BothDatabases databases;

    @BeforeAll
    void databases() {
        databases = BothDatabases.open();
    }

    @AfterAll
    void close() {
        databases.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aNewJobIsUnsentUntilTheRelayRecordsItsHandOff(String name) {
        Database db = databases.get(name);
        JobStore jobs = new JobStore(db, new JobEvents(db, Json.mapper()));
        UUID project = new ProjectStore(db).create("relay " + UUID.randomUUID(), null).id();
        UUID waiting = withTask(db, BothDatabases.insertJob(db, jobs, project, JobStatus.QUEUED, 0), "ID:waiting");
        UUID claimed = withTask(db, BothDatabases.insertJob(db, jobs, project, JobStatus.QUEUED, 0), "ID:claimed");

        assertThat(jobs.unsent(60, 100)).as("within the grace the relay is still on it").isEmpty();
        assertThat(jobs.unsent(0, 100)).containsExactlyInAnyOrder(new JobRelay.Handoff(waiting, "ID:waiting"),
                new JobRelay.Handoff(claimed, "ID:claimed"));

        // a fast worker claims one job before the relay has recorded its batch
        assertThat(jobs.claim(claimed, "worker", Duration.ofMinutes(1), 3)).isPresent();
        jobs.markRelayed(List.of(new JobRelay.Handoff(waiting, "ID:waiting"), new JobRelay.Handoff(claimed, "ID:claimed")));

        assertThat(jobs.unsent(0, 100)).isEmpty();
        assertThat(jobs.recoverable(60, 100)).as("a fresh hand-off is live").isEmpty();
        assertThat(jobs.findAny(waiting).orElseThrow().taskId()).isEqualTo("ID:waiting");
        IngestJob running = jobs.findAny(claimed).orElseThrow();
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(db.read(c -> db.queryOne(c, "SELECT next_attempt_at FROM ingest_jobs WHERE id = ?",
                rs -> java.util.Optional.ofNullable(rs.getObject(1)), claimed)).orElseThrow())
                .as("a running job has no due message").isEmpty();
    }

    @Test
    void aBatchSentAgainUnderItsTaskIdsIsOnTheBrokerOnce(@TempDir Path tmp) {
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of("cortex.role", "api"))) {
            DurableBatch queue = app.bean("jobQueueBatch", DurableBatch.class);
            EmbeddedBroker broker = app.bean("embeddedBroker", EmbeddedBroker.class);
            String name = app.context().resolvePropertyPlaceholders("{{cortex.jobs.queue}}");
            long before = broker.messageCount(name);
            List<JobRelay.Handoff> batch = List.of(new JobRelay.Handoff(UUID.randomUUID(), "ID:" + UUID.randomUUID()),
                    new JobRelay.Handoff(UUID.randomUUID(), "ID:" + UUID.randomUUID()));
            send(queue, batch);
            send(queue, batch);
            // the broker counts a message sent outside a transaction a moment after the send returns
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(broker.messageCount(name) - before)
                    .as("the repeated batch is dropped").isEqualTo(2));
            // recovery's batch: one job the relay had sent, one it had not
            send(queue, List.of(batch.get(0), new JobRelay.Handoff(UUID.randomUUID(), "ID:" + UUID.randomUUID())));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(broker.messageCount(name) - before)
                    .as("only the new one is added").isEqualTo(3));
        }
    }

    @Test
    void aJobTheRelayNeverSentIsHandedOffByRecovery(@TempDir Path tmp) throws Exception {
        Path sources = java.nio.file.Files.createDirectories(tmp.resolve("sources"));
        Path file = java.nio.file.Files.writeString(sources.resolve("a.txt"), "relay me");
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(),
                "cortex.recovery.period-ms", "500",
                "cortex.recovery.grace-seconds", "1"))) {
            TestApp api = app;
            String project = api.postJson("/api/projects", "{\"name\":\"relay\"}").json().get("id").asText();
            // the instance "dies" before its relay runs: the job is committed, its wake-up is lost
            app.context().getRouteController().stopRoute("job-relay");
            routes.support.ApiClient.Reply created = api.postJson("/api/projects/" + project + "/ingest/jobs",
                    "{\"source_path\":\"" + file + "\"}");
            assertThat(created.status()).isEqualTo(201);
            String taskId = created.json().get("task_id").asText();
            assertThat(taskId).startsWith("ID:");
            String id = created.json().get("id").asText();
            JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
                    () -> api.get("/api/projects/" + project + "/ingest/jobs/" + id).json(),
                    j -> j.get("status").asText().equals("completed"));
            assertThat(done.get("task_id").asText()).as("the task id the answer gave").isEqualTo(taskId);
            assertThat(done.get("attempts").asInt()).isEqualTo(1);

            // the relay comes back with the batch recovery already sent: the broker drops it as a duplicate
            JobRelay relay = app.bean("jobRelay", JobRelay.class);
            assertThat(relay.hasPending()).isTrue();
            app.context().getRouteController().startRoute("job-relay");
            await().atMost(Duration.ofSeconds(10)).until(() -> !relay.hasPending());
            String queue = app.context().resolvePropertyPlaceholders("{{cortex.jobs.queue}}");
            EmbeddedBroker broker = app.bean("embeddedBroker", EmbeddedBroker.class);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> broker.messageCount(queue) == 0
                    && api.get("/api/projects/" + project + "/ingest/jobs/" + id).json().get("attempts").asInt() == 1);
        }
    }

    private static void send(DurableBatch queue, List<JobRelay.Handoff> batch) {
        try {
            queue.send(batch);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID withTask(Database db, UUID jobId, String taskId) {
        Instant earlier = Dialect.now().minusSeconds(5);
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET task_id = ?, updated_at = ? WHERE id = ?", taskId,
                earlier, jobId));
        return jobId;
    }
}
