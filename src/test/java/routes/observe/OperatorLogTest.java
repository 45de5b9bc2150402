package routes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ProcessApp;
import routes.support.SampleDocuments;
import routes.support.TestDatabase;

/**
 * A WARN is for something an operator can act on. A start, a stop and a job of each kind of document (a PDF whose
 * fonts are not embedded, a DOCX: a zip, plain text, a directory) on the embedded default leave no WARN line, and
 * the verify stage of a directory does not claim to check a repository.
 */
class OperatorLogTest {

    @TempDir
    Path tmp;

    @Test
    void anOrdinaryRunLeavesNoWarningAnOperatorCannotActOn() throws Exception {
        Map<String, String> env = ProcessApp.env(tmp, TestDatabase.sqlite(tmp), "all");
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path tree = Files.createDirectories(sources.resolve("notes"));
        Files.writeString(tree.resolve("a.md"), "# A\n\nSome notes.\n");
        Path log;
        try (ProcessApp app = ProcessApp.startWith(tmp, "quiet", env,
                List.of("-Dlog4j2.configurationFile=log4j2.properties"))) {
            log = app.log();
            String project = app.postJson("/api/projects", "{\"name\":\"quiet\"}").json().get("id").asText();
            String upload = "/api/projects/" + project + "/ingest/upload";
            List<String> jobs = new ArrayList<>();
            jobs.add(app.upload(upload, "report.pdf", SampleDocuments.pdf("Report", "Revenue grew.", "Second page."),
                    "application/pdf", null).json().get("job_id").asText());
            jobs.add(app.upload(upload, "memo.docx", SampleDocuments.docx("Memo", "A paragraph."),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", null).json()
                    .get("job_id").asText());
            jobs.add(app.upload(upload, "plain.txt", "plain words".getBytes(StandardCharsets.UTF_8), "text/plain", null)
                    .json().get("job_id").asText());
            String directory = app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"repository\",\"repo_path\":\"" + tree + "\"}").json().get("job_id").asText();
            jobs.add(directory);
            for (String job : jobs) {
                await().atMost(Duration.ofSeconds(90)).until(() -> app.get("/api/projects/" + project + "/ingest/jobs/"
                        + job).json().get("status").asText().equals("completed"));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> app.get("/observe/health/ready").status() == 200);
            assertThat(app.postJson("/api/projects/" + project + "/search", "{\"query\":\"revenue\"}").status())
                    .isEqualTo(200);
            assertThat(app.terminate(Duration.ofSeconds(30))).isTrue();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("the run happened").anyMatch(l -> l.contains("status=completed"));
        assertThat(lines.stream().filter(l -> l.matches("^\\S+ (WARN|ERROR) .*")).toList()).as("WARN and ERROR lines")
                .isEmpty();
        assertThat(lines).noneMatch(l -> l.contains("Checking the repository"));
    }
}
