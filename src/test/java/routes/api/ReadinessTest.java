package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.logging.log4j.Level;
import routes.health.OutageLog;
import routes.support.ApiClient.Reply;
import routes.support.LogCapture;
import routes.support.TestApp;

/**
 * Readiness that means something: with its PostgreSQL stopped the service says so in /observe/health (the database
 * entry down, with why), answers the API with 503 JSON within a couple of seconds, and is ready again without a
 * restart once the database is back. The database here is an embedded PostgreSQL the test can stop and start.
 */
class ReadinessTest {

    @TempDir
    Path tmp;

    private static EmbeddedPostgres postgres(Path dir, int port) throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir).setCleanDataDirectory(false).start();
    }

    @Test
    void aStoppedDatabaseMakesTheServiceUnreadyAndItRecoversByItself() throws Exception {
        int port = TestApp.freePort();
        Path data = tmp.resolve("pg");
        EmbeddedPostgres pg = postgres(data, port);
        String url = pg.getJdbcUrl("postgres", "postgres");
        try (TestApp app = TestApp.start(url, tmp.resolve("app"), Map.of())) {
            // the embedding model loads in the background after start: the search check is down until it has
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health").status() == 200);
            Reply ready = app.get("/observe/health");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.body()).contains("\"name\":\"database\",\"status\":\"UP\"")
                    .contains("\"name\":\"broker\",\"status\":\"UP\"").contains("\"name\":\"storage\",\"status\":\"UP\"");

            LogCapture log = LogCapture.open();
            pg.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/observe/health").status() == 503);
            // the relay ticks every 100 ms: the outage is one line, not a stack trace per tick
            await().atMost(Duration.ofSeconds(10)).until(() -> outageLines(log, "unreachable") == 1);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    outageLines(log, "unreachable") == 1 && log.atLeast(Level.ERROR).stream().noneMatch(l -> l.stackTrace()));
            assertThat(app.get("/observe/health").body()).contains("database is unreachable");
            long start = System.nanoTime();
            Reply unavailable = app.get("/api/projects");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.json().get("detail").asText()).startsWith("Service temporarily unavailable");
            assertThat(millis).as("answered within the connection timeout, not the pool's 30 s").isLessThan(10_000);

            pg = postgres(data, port);
            await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/observe/health").status() == 200);
            assertThat(app.get("/api/projects").status()).isEqualTo(200);
            // a restarting database may refuse a connection or two more: at least one recovery line, no stack trace
            await().atMost(Duration.ofSeconds(30)).until(() -> outageLines(log, "reachable again") >= 1);
            assertThat(log.atLeast(Level.ERROR)).as("errors logged during the outage")
                    .allMatch(l -> !l.stackTrace(), "without a stack trace").hasSizeLessThanOrEqualTo(3);
            log.close();
        } finally {
            pg.close();
        }
    }

    private static long outageLines(LogCapture log, String text) {
        return log.lines().stream().filter(l -> l.logger().equals(OutageLog.class.getName()) && l.message().contains(text))
                .count();
    }
}
