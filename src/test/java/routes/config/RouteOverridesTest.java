package routes.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * CORTEX_ROUTES_DIR: a route file there replaces the built-in route of the same id without a rebuild (here the
 * worker's job-process route with another retry policy, seen in a job's attempts), and a broken file stops start-up
 * with its name, line and reason.
 */
class RouteOverridesTest {

    @TempDir
    Path tmp;

    /** The built-in job-process route, with the retry policy written in: 1 retry, no backoff. */
    private static String jobProcessWithOneRetry() throws Exception {
        String worker = Files.readString(Path.of("src/main/resources/camel/job-worker.camel.yaml"));
        int start = worker.indexOf("- route:\n    id: job-process\n");
        int end = worker.indexOf("\n# Timer", start);
        return worker.substring(start, end).replace("{{cortex.task.max-retries}}", "1")
                .replace("{{cortex.task.retry-backoff-seconds}}", "0")
                .replace("{{cortex.task.retry-backoff-max-seconds}}", "0");
    }

    @Test
    void aRouteFileReplacesTheBuiltInRouteOfTheSameId() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Files.writeString(routes.resolve("retries.camel.yaml"), "# one deployment retries once\n" + jobProcessWithOneRetry());
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.routes.dir", routes.toString(), "cortex.testing.fail-attempts", "99",
                "cortex.task.retry-backoff-seconds", "0"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"tuned\"}").json().get("id").asText();
            String job = app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"always fails\"}").json().get("job_id").asText();
            JsonNode failed = await().atMost(Duration.ofSeconds(30)).until(
                    () -> app.get("/api/projects/" + project + "/ingest/jobs/" + job).json(),
                    j -> j.get("status").asText().equals("failed"));
            // built in: 3 retries, 4 attempts; the override: 1 retry, 2 attempts
            assertThat(failed.get("attempts").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aBrokenRouteFileStopsStartUpWithItsNameLineAndReason() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(routes.resolve("typo.camel.yaml"), """
                - route:
                    id: job-retry
                    from:
                      uri: direct:job-retry
                      steps:
                        - tooo:
                            uri: direct:nowhere
                """);
        long pools = TestApp.openDatabasePools();
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data2"),
                Map.of("cortex.routes.dir", routes.toString())))
                .hasStackTraceContaining("typo.camel.yaml").hasStackTraceContaining("line")
                .hasStackTraceContaining("tooo");
        // the pool opened before the routes were read is closed, not left writing to the database file
        assertThat(TestApp.openDatabasePools()).isEqualTo(pools);
    }
}
