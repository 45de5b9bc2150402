package routes.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient;
import routes.support.BrokerServer;
import routes.support.ProcessApp;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The external broker away for a while, with an api and a worker instance on PostgreSQL (as operators run them):
 * the api instance stays ready and takes jobs (the outbox rides the outage out; the broker's check shows down but
 * does not count for its readiness), the worker is not ready, readiness answers at once, the jobs waiting for their
 * hand-off are counted, the log says the outage once (not a stack trace every few seconds) and says when the broker
 * is back, and every job completes afterwards.
 */
class BrokerOutageTest {

    @TempDir
    Path tmp;

    @Test
    void aBrokerOutageIsRiddenOutQuietlyAndVisibly() throws Exception {
        String db = TestDatabase.freshPostgres();
        BrokerServer broker = new BrokerServer(tmp, TestApp.freePort()).start();
        List<String> production = List.of("-Dlog4j2.configurationFile=log4j2.properties");
        Map<String, String> apiEnv = ProcessApp.env(tmp.resolve("api"), db, "api");
        apiEnv.put("CORTEX_BROKER_URL", broker.url());
        Map<String, String> workerEnv = ProcessApp.env(tmp.resolve("worker"), db, "worker");
        workerEnv.put("CORTEX_BROKER_URL", broker.url());
        Files.createDirectories(tmp.resolve("api"));
        Files.createDirectories(tmp.resolve("worker"));
        try (ProcessApp api = ProcessApp.startWith(tmp, "api", apiEnv, production);
                ProcessApp worker = ProcessApp.startWith(tmp, "worker", workerEnv, production)) {
            String project = api.postJson("/api/projects", "{\"name\":\"outage\"}").json().get("id").asText();
            List<String> jobs = new ArrayList<>();
            jobs.add(text(api, project, "before the outage"));
            await().atMost(Duration.ofSeconds(60)).until(() -> status(api, project, jobs.get(0)).equals("completed"));

            // counted before the kill: the instances may notice it (and say so) before kill() returns
            long apiLinesBefore = Files.readAllLines(api.log()).size();
            long workerLinesBefore = Files.readAllLines(worker.log()).size();
            broker.kill();
            for (int i = 0; i < 5; i++) {
                jobs.add(text(api, project, "during the outage " + i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> worker.get("/observe/health/ready").status() == 503);
            long started = System.nanoTime();
            ApiClient.Reply apiReady = api.get("/observe/health/ready");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("readiness answers at once, broker or not")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(apiReady.status()).as("the api instance takes jobs: ready").isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/observe/health").body()
                    .matches("(?s).*broker is (unreachable|not answering).*"));
            assertThat(api.get("/observe/health/ready").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> backlog(api) >= 5);

            // a while of outage: what the log says about it
            Thread.sleep(15_000);
            List<String> apiOutage = newLines(api, apiLinesBefore);
            List<String> workerOutage = newLines(worker, workerLinesBefore);
            for (List<String> lines : List.of(apiOutage, workerOutage)) {
                assertThat(lines.stream().filter(l -> l.startsWith("\tat ")).toList())
                        .as("stack trace lines in\n" + String.join("\n", lines.stream()
                                .filter(l -> !l.startsWith("\tat ")).toList())).isEmpty();
                assertThat(lines.stream().filter(l -> l.matches("^\\S+ (WARN|ERROR) .*")).toList())
                        .as("warnings and errors during the outage").hasSizeLessThanOrEqualTo(2)
                        .anyMatch(l -> l.contains("ERROR") && l.contains("The broker is unreachable"));
            }

            broker.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> jobs.stream()
                    .allMatch(j -> status(api, project, j).equals("completed")));
            await().atMost(Duration.ofSeconds(20)).until(() -> backlog(api) == 0);
            // said by each instance's health probe on its next round, which may come after the jobs have moved
            for (var instance : List.of(api, worker)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(instance.log())
                        .contains("The broker is reachable again"));
            }
            assertThat(worker.get("/observe/health/ready").status()).isEqualTo(200);
        } finally {
            broker.close();
        }
    }

    private static String text(ApiClient api, String project, String content) {
        var reply = api.postJson("/api/projects/" + project + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"" + content + "\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("job_id").asText();
    }

    private static String status(ApiClient api, String project, String job) {
        return api.get("/api/projects/" + project + "/ingest/jobs/" + job).json().get("status").asText();
    }

    private static double backlog(ApiClient api) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^cortex_jobs_relay_backlog ([0-9.E]+)")
                .matcher(api.get("/observe/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static List<String> newLines(ProcessApp app, long from) throws java.io.IOException {
        List<String> all = Files.readAllLines(app.log());
        return all.subList((int) Math.min(from, all.size()), all.size());
    }
}
