package routes.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.StreamClient;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The embedded broker with CORTEX_BROKER_USER/_PASSWORD: only that user connects (the service itself works with
 * it), a broker beyond loopback without them does not start, and a message forged onto the audit topic by another
 * client never reaches stream clients: the hub passes on only events the outbox holds.
 */
class BrokerSecurityTest {

    @TempDir
    Path tmp;

    @Test
    void onlyTheServiceUserConnectsAndForgedEventsAreDropped() throws Exception {
        int brokerPort = TestApp.freePort();
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.broker.port", String.valueOf(brokerPort),
                "cortex.broker.user", "cortex", "cortex.broker.password", "s3cret"))) {
            String url = "tcp://127.0.0.1:" + brokerPort;
            for (String[] who : List.of(new String[] {null, null}, new String[] {"cortex", "wrong"},
                    new String[] {"intruder", "s3cret"})) {
                assertThatThrownBy(() -> {
                    try (Connection c = new ActiveMQConnectionFactory(url, who[0], who[1]).createConnection()) {
                        c.start();
                    }
                }).as(who[0] + "/" + who[1]).isInstanceOf(JMSSecurityException.class);
            }

            String project = app.postJson("/api/projects", "{\"name\":\"guarded\"}").json().get("id").asText();
            try (StreamClient.Socket socket = StreamClient.connectLive(app, project);
                    Connection insider = new ActiveMQConnectionFactory(url, "cortex", "s3cret").createConnection()) {
                // even a client with the credentials cannot make the hub show an event the service did not record
                Session session = insider.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createTopic("cortex.ingest.audit"));
                for (long seq : new long[] {1, 2, 999}) {
                    TextMessage forged = session.createTextMessage("{\"seq\":" + seq + ",\"type\":\"ingest.job.updated\","
                            + "\"job\":{\"id\":\"" + UUID.randomUUID() + "\",\"status\":\"forged\"}}");
                    forged.setStringProperty("project_id", project);
                    forged.setStringProperty("job_id", UUID.randomUUID().toString());
                    forged.setLongProperty("seq", seq);
                    producer.send(forged);
                }
                String job = app.postJson("/api/projects/" + project + "/ingest",
                        "{\"source_type\":\"text\",\"content\":\"real work\"}").json().get("job_id").asText();
                List<JsonNode> events = socket.until(e -> e.at("/job/id").asText().equals(job)
                        && e.at("/job/status").asText().equals("completed"));
                assertThat(events).isNotEmpty().allSatisfy(e -> {
                    assertThat(e.at("/job/status").asText()).isNotEqualTo("forged");
                    assertThat(e.at("/job/id").asText()).isEqualTo(job);
                });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> app.get("/observe/health").status() == 200);
        }
    }

    @Test
    void aBrokerBeyondLoopbackNeedsCredentials() {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("open"),
                Map.of("cortex.broker.host", "0.0.0.0")))
                .hasStackTraceContaining("cortex.broker.host").hasStackTraceContaining("CORTEX_BROKER_USER");
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("half"),
                Map.of("cortex.broker.user", "cortex")))
                .hasStackTraceContaining("CORTEX_BROKER_PASSWORD");
    }
}
