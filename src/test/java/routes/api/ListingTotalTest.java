package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * A listing's total is exact up to CORTEX_API_EXACT_TOTAL_LIMIT and flagged as an estimate above it, never below
 * the limit; a filter that matches fewer is exact again. On both databases.
 */
class ListingTotalTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTotalAboveTheLimitIsAnEstimateSaidToBeOne(String database) {
        String url = database.equals("sqlite") ? TestDatabase.sqlite(tmp) : TestDatabase.freshPostgres();
        try (TestApp app = TestApp.start(url, tmp.resolve("data"), Map.of("cortex.api.exact-total-limit", "5"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"totals\"}").json().get("id").asText();
            String jobs = "/api/projects/" + project + "/ingest/jobs";
            for (int i = 0; i < 8; i++) {
                assertThat(app.postJson("/api/projects/" + project + "/ingest",
                        "{\"source_type\":\"text\",\"content\":\"note " + i + "\"}").status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    app.get(jobs + "?status=completed&limit=100").json().get("items").size() == 8);
            assertThat(app.postJson("/api/projects/" + project + "/ingest", "{\"source_type\":\"text\",\"content\":\"x\"}")
                    .status()).isEqualTo(200);

            JsonNode all = app.get(jobs + "?limit=2").json();
            assertThat(all.get("totalExact").asBoolean()).isFalse();
            assertThat(all.get("total").asLong()).as("never below the limit").isGreaterThan(5);
            assertThat(all.get("items")).hasSize(2);

            JsonNode small = app.get(jobs + "?stage=initial").json();
            if (small.get("items").size() <= 5) {
                assertThat(small.get("totalExact").asBoolean()).isTrue();
                assertThat(small.get("total").asLong()).isEqualTo(small.get("items").size());
            }
            JsonNode none = app.get(jobs + "?status=failed").json();
            assertThat(none.get("totalExact").asBoolean()).isTrue();
            assertThat(none.get("total").asLong()).isZero();
        }
    }
}
