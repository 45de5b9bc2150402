package routes.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient;
import routes.support.ProcessApp;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The audit topic, as a durable subscriber sees it: every event exactly once and in order per job, while two worker
 * processes share the work and the subscriber is away for part of the run, and across a kill -9 of the service
 * during a burst (events committed but not yet published are published after the restart).
 */
class AuditTopicTest {

    static final String TOPIC = "cortex.ingest.audit";

    @TempDir
    Path tmp;

    String db;
    Path source;

    Map<String, String> env(String role) throws Exception {
        if (db == null) {
            db = TestDatabase.freshPostgres();
            Path sources = Files.createDirectories(tmp.resolve("sources"));
            source = Files.writeString(sources.resolve("doc.txt"), "an audited paragraph\n\n".repeat(10));
        }
        Map<String, String> env = ProcessApp.env(tmp, db, role);
        env.put("CORTEX_EVENTS_RELAY_LEASE_SECONDS", "3");
        return env;
    }

    /** A durable shared subscription (JMS 2.0, no client id), created before the events it must not miss. */
    record Subscriber(ActiveMQConnectionFactory factory, String name) implements AutoCloseable {

        static Subscriber create(int brokerPort, String name) {
            Subscriber s = new Subscriber(new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort
                    + "?reconnectAttempts=-1&retryInterval=200"), name);
            try (JMSContext context = s.factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                context.createSharedDurableConsumer(context.createTopic(TOPIC), name).close();
            }
            return s;
        }

        /** Receives until {@code expected} events arrived and nothing more comes for 2 s. */
        List<Message> receive(long expected) throws Exception {
            return receive(expected, Long.MAX_VALUE);
        }

        /** The same, stopping (and leaving) after {@code max} events. */
        List<Message> receive(long expected, long max) throws Exception {
            List<Message> received = new ArrayList<>();
            try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                    JMSConsumer consumer = context.createSharedDurableConsumer(context.createTopic(TOPIC), name)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline && received.size() < max) {
                    Message m = consumer.receive(received.size() >= expected ? 2000 : 1000);
                    if (m == null) {
                        if (received.size() >= expected) {
                            break;
                        }
                        continue;
                    }
                    received.add(m);
                }
            }
            return received;
        }

        @Override
        public void close() {
            factory.close();
        }
    }

    List<String> createJobs(ApiClient api, String project, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var r = api.postJson("/api/projects/" + project + "/ingest/jobs", "{\"source_path\":\"" + source + "\"}");
            assertThat(r.status()).isEqualTo(201);
            ids.add(r.json().get("id").asText());
        }
        return ids;
    }

    long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until every job is completed and every event relayed; returns the number of events. */
    long settled(int jobs) throws Exception {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                count("SELECT COUNT(*) FROM ingest_jobs WHERE status = 'completed'") == jobs
                        && count("SELECT COUNT(*) FROM job_events WHERE published_at IS NULL") == 0);
        return count("SELECT COUNT(*) FROM job_events");
    }

    /** Each stored event exactly once, with its JMS properties, and each job's events in seq order. */
    void assertExactlyOnceInOrder(List<Message> received, long stored) throws Exception {
        Map<String, Message> bySeq = new LinkedHashMap<>();
        Map<String, Long> lastSeqOfJob = new HashMap<>();
        for (Message m : received) {
            String body = ((TextMessage) m).getText();
            long seq = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("seq").asLong();
            String key = m.getStringProperty("project_id") + ":" + seq;
            assertThat(bySeq.put(key, m)).as("event %s received twice", key).isNull();
            String job = m.getStringProperty("job_id");
            assertThat(job).isNotBlank();
            assertThat(m.getStringProperty("type")).startsWith("ingest.job.");
            assertThat(m.getStringProperty("status")).isNotBlank();
            Long previous = lastSeqOfJob.put(job, seq);
            assertThat(previous == null || previous < seq).as("events of job %s in order", job).isTrue();
        }
        assertThat((long) bySeq.size()).isEqualTo(stored);
    }

    @Test
    void twoWorkersAndAnAbsentSubscriberStillGetEveryEventOnce() throws Exception {
        int brokerPort = TestApp.freePort();
        Map<String, String> apiEnv = env("api");
        apiEnv.put("CORTEX_BROKER_PORT", String.valueOf(brokerPort));
        Map<String, String> workerEnv = env("worker");
        workerEnv.put("CORTEX_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
        try (ProcessApp api = ProcessApp.start(tmp, "api", apiEnv);
                ProcessApp w1 = ProcessApp.start(tmp, "worker-1", workerEnv);
                ProcessApp w2 = ProcessApp.start(tmp, "worker-2", workerEnv);
                Subscriber audit = Subscriber.create(brokerPort, "audit-test")) {
            String project = api.postJson("/api/projects", "{\"name\":\"audit\"}").json().get("id").asText();
            // the subscriber reads the first 30 events, then goes away for the rest of the run, then comes back
            createJobs(api, project, 100);
            List<Message> received = new ArrayList<>(audit.receive(30, 30));
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    count("SELECT COUNT(*) FROM ingest_jobs WHERE status = 'completed'") >= 50);
            long stored = settled(100);
            received.addAll(audit.receive(stored - received.size()));
            assertExactlyOnceInOrder(received, stored);
        }
    }

    @Test
    void eventsCommittedBeforeAKillArePublishedAfterTheRestart() throws Exception {
        int brokerPort = TestApp.freePort();
        Map<String, String> env = env("all");
        env.put("CORTEX_BROKER_PORT", String.valueOf(brokerPort));
        // a slow relay: at the kill, committed events are waiting in the outbox
        env.put("CORTEX_EVENTS_RELAY_PERIOD_MS", "700");
        List<String> ids;
        try (ProcessApp first = ProcessApp.start(tmp, "all", env)) {
            Subscriber.create(brokerPort, "audit-crash").close();
            String project = first.postJson("/api/projects", "{\"name\":\"crash\"}").json().get("id").asText();
            ids = createJobs(first, project, 40);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    count("SELECT COUNT(*) FROM ingest_jobs WHERE status = 'completed'") >= 5);
            first.kill();
        }
        assertThat(count("SELECT COUNT(*) FROM job_events WHERE published_at IS NULL")).as("unpublished at the kill").isPositive();
        env.remove("CORTEX_EVENTS_RELAY_PERIOD_MS");
        try (ProcessApp second = ProcessApp.start(tmp, "all-again", env);
                Subscriber audit = new Subscriber(new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort), "audit-crash")) {
            long stored = settled(ids.size());
            assertExactlyOnceInOrder(audit.receive(stored), stored);
        }
    }
}
