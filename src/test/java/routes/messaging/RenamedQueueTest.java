package routes.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import routes.source.Trees;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * CORTEX_JOBS_QUEUE and CORTEX_JOBS_DEAD_LETTER_QUEUE really rename the queues: the embedded broker's redelivery and
 * dead-letter settings follow the names (broker.xml takes them from the settings), so a job message whose consumer
 * keeps rolling back still ends on the renamed dead-letter queue, after the configured number of deliveries.
 */
class RenamedQueueTest {

    @Test
    void aJobMessageOnARenamedQueueIsStillDeadLettered() throws Exception {
        Path dir = Files.createTempDirectory("renamed-queue-");
        int brokerPort = TestApp.freePort();
        // An API-only instance: it hands jobs off but consumes none, so this test is the queue's only consumer.
        try (TestApp app = TestApp.start(TestDatabase.sqlite(dir), dir, Map.of(
                "cortex.role", "api",
                "cortex.broker.port", String.valueOf(brokerPort),
                "cortex.jobs.queue", "acme.ingest.work",
                "cortex.jobs.dead-letter-queue", "acme.ingest.failed",
                "cortex.broker.max-delivery-attempts", "2",
                "cortex.broker.redelivery-delay-ms", "100"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"renamed\"}").json().get("id").asText();
            Reply created = app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"dead letter me\"}");
            assertThat(created.status()).isEqualTo(200);
            String jobId = created.json().get("job_id").asText();

            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
            try (Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer work = session.createConsumer(session.createQueue("acme.ingest.work"));
                for (int delivery = 1; delivery <= 2; delivery++) {
                    Message message = work.receive(10_000);
                    assertThat(message).as("delivery " + delivery + " of the job message").isNotNull();
                    assertThat(((TextMessage) message).getText()).isEqualTo(jobId);
                    session.rollback();
                }
                assertThat(work.receive(1_000)).as("no third delivery: max-delivery-attempts is 2").isNull();
                MessageConsumer dead = session.createConsumer(session.createQueue("acme.ingest.failed"));
                Message deadLetter = dead.receive(10_000);
                assertThat(deadLetter).as("the job message on the renamed dead-letter queue").isNotNull();
                assertThat(((TextMessage) deadLetter).getText()).isEqualTo(jobId);
                session.commit();
            }
        } finally {
            Trees.delete(dir);
        }
    }
}
