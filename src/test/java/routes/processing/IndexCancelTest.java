package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** Cancelling a job while it indexes a 500-file repository: the worker stops at the next file and keeps nothing. */
class IndexCancelTest {

    @Test
    void cancelDuringIndexingStopsWithinOneFile(@TempDir Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("sources/big-repo"));
        for (int i = 0; i < 500; i++) {
            Path file = repo.resolve("pkg" + (i % 10) + "/file" + i + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "File number " + i + " of the big repository.\n");
        }
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("500 files").setAuthor("Test", "t@example.com").setCommitter("Test", "t@example.com")
                    .setSign(false).call();
        }
        // 20 ms per file: indexing all 500 would take 10 s
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", tmp.resolve("sources").toString(),
                "cortex.testing.file-delay-ms", "20"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"cancel\"}").json().get("id").asText();
            String jobs = "/api/projects/" + project + "/ingest/jobs";
            String id = app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"repository\",\"repo_path\":\"" + repo + "\"}").json().get("job_id").asText();
            JsonNode indexing = await().atMost(Duration.ofSeconds(30)).until(() -> app.get(jobs + "/" + id).json(),
                    j -> j.get("stage").asText().equals("index") && j.get("message").asText().startsWith("Indexing file"));
            assertThat(app.post(jobs + "/" + id + "/cancel").status()).isEqualTo(200);
            // The clone is removed as soon as the attempt stops: long before the ~10 s the remaining files would take.
            await().atMost(Duration.ofSeconds(3)).until(() -> app.filesUnder("tmp") == 0);
            JsonNode job = app.get(jobs + "/" + id).json();
            assertThat(job.get("status").asText()).isEqualTo("cancelled");
            assertThat(job.get("progress").asDouble()).isLessThan(0.85);
            assertThat(app.get(jobs + "/" + id + "/documents").json().get("items")).isEmpty();
            assertThat(indexing.get("message").asText()).contains(" of 500: ");
        }
    }
}
