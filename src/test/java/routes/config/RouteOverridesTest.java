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
import org.apache.logging.log4j.Level;
import routes.support.LogCapture;
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
        return jobProcessWithRetries(1);
    }

    private static String jobProcessWithRetries(int retries) throws Exception {
        String worker = Files.readString(Path.of("src/main/resources/camel/job-worker.camel.yaml"));
        int start = worker.indexOf("- route:\n    id: job-process\n");
        int end = worker.indexOf("\n# Timer", start);
        return worker.substring(start, end).replace("{{cortex.task.max-retries}}", String.valueOf(retries))
                .replace("{{cortex.task.retry-backoff-seconds}}", "0")
                .replace("{{cortex.task.retry-backoff-max-seconds}}", "0");
    }

    private String failingJob(TestApp app) {
        String project = app.postJson("/api/projects", "{\"name\":\"tuned\"}").json().get("id").asText();
        String job = app.postJson("/api/projects/" + project + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"always fails\"}").json().get("job_id").asText();
        return "/api/projects/" + project + "/ingest/jobs/" + job;
    }

    @Test
    void aRetryPolicyWrittenIntoTheRouteIsTheWholeBudget() throws Exception {
        // docs/operations.md's worked example: 6 retries where the settings allow 3
        Path routes = Files.createDirectories(tmp.resolve("six"));
        Files.writeString(routes.resolve("retries.camel.yaml"), jobProcessWithRetries(6));
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data6"), Map.of(
                "cortex.routes.dir", routes.toString(), "cortex.testing.fail-attempts", "99",
                "cortex.task.retry-backoff-seconds", "0"))) {
            String path = failingJob(app);
            JsonNode failed = await().atMost(Duration.ofSeconds(60)).until(() -> app.get(path).json(),
                    j -> j.get("status").asText().equals("failed"));
            assertThat(failed.get("attempts").asInt()).isEqualTo(7);
            // failed by the policy, not "abandoned": no worker vanished
            assertThat(failed.get("error_message").asText()).doesNotContain("Abandoned");
        }
    }

    @Test
    void whatIsLoadedAndReplacedIsSaidAndAStrayFileIsAWarning() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("said"));
        Files.writeString(routes.resolve("retries.camel.yaml"), jobProcessWithOneRetry());
        Files.writeString(routes.resolve("retries.yaml"), jobProcessWithOneRetry());
        try (LogCapture log = LogCapture.open();
                TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data-said"),
                        Map.of("cortex.routes.dir", routes.toString()))) {
            assertThat(log.lines()).anyMatch(l -> l.level() == Level.INFO && l.message().contains("retries.camel.yaml")
                    && l.message().contains("replaces job-process"));
            assertThat(log.lines()).anyMatch(l -> l.level() == Level.INFO
                    && l.message().startsWith("Built-in route job-process replaced by"));
            assertThat(log.lines()).anyMatch(l -> l.level() == Level.WARN && l.message().contains("retries.yaml")
                    && l.message().contains("not loaded"));
        }
    }

    @Test
    void aRouteIdInTwoFilesStopsStartUp() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("twice"));
        Files.writeString(routes.resolve("a.camel.yaml"), jobProcessWithOneRetry());
        Files.writeString(routes.resolve("b.camel.yaml"), jobProcessWithRetries(2));
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data-twice"),
                Map.of("cortex.routes.dir", routes.toString())))
                .hasStackTraceContaining("b.camel.yaml").hasStackTraceContaining("a.camel.yaml")
                .hasStackTraceContaining("job-process");
    }

    @Test
    void aMissingSettingOrBeanIsNamedWithItsFileAndLine() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("refs"));
        Files.writeString(routes.resolve("setting.camel.yaml"), """
                - route:
                    id: extra-timer
                    from:
                      uri: timer:extra
                      parameters:
                        period: "{{cortex.no.such-setting}}"
                      steps:
                        - log: tick
                """);
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data-setting"),
                Map.of("cortex.routes.dir", routes.toString())))
                .hasStackTraceContaining("setting.camel.yaml line 6").hasStackTraceContaining("cortex.no.such-setting");
        Files.delete(routes.resolve("setting.camel.yaml"));
        Files.writeString(routes.resolve("bean.camel.yaml"), """
                - route:
                    id: extra-timer
                    from:
                      uri: timer:extra
                      steps:
                        - bean:
                            ref: noSuchBean
                            method: run
                """);
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data-bean"),
                Map.of("cortex.routes.dir", routes.toString())))
                .hasStackTraceContaining("bean.camel.yaml line 7").hasStackTraceContaining("noSuchBean");
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
