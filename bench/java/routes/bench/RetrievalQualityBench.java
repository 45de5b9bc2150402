package routes.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import routes.support.ApiClient;
import routes.support.ProcessApp;
import routes.support.TestDatabase;

/**
 * Retrieval quality through the service's own HTTP API: the runnable jar ingests the Cranfield collection as one text
 * job per document ({@code document_key} = the corpus id), the 225 queries go through {@code POST .../search} in each
 * mode (k = 100; a chunk's rank is its document's, the first occurrence counts), and nDCG@10 and recall@100 are
 * computed beside Lucene's BM25 (English analyzer) over the same documents in the same run. Per database
 * ({@code bench.databases}: sqlite, postgresql) and embedding model ({@code bench.models}). Besides the service's own
 * fusion, reciprocal rank fusion with other constants is computed from its keyword and vector rankings, to see whether
 * another setting of {@code CORTEX_SEARCH_RRF_K} would do better.
 */
public final class RetrievalQualityBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MODES = List.of("keyword", "vector", "hybrid");

    private RetrievalQualityBench() {
    }

    public static void main(String[] args) throws Exception {
        Cranfield collection = Cranfield.load(Cranfield.dir());
        List<String> databases = List.of(System.getProperty("bench.databases", "sqlite,postgresql").split(","));
        List<String> models = List.of(System.getProperty("bench.models", "bge-small-en-v1.5-q,all-minilm-l6-v2-q")
                .split(","));
        System.out.printf("Cranfield: %d documents, %d queries, %d judged pairs; %d cores, Java %s%n%n",
                collection.corpus().size(), collection.queries().size(),
                collection.qrels().values().stream().mapToInt(Map::size).sum(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        Cranfield.Scores lucene = collection.score(LuceneBaseline.rank(collection, 100));
        List<String> table = new ArrayList<>();
        table.add(row("Lucene 9.12 BM25, EnglishAnalyzer", "-", "-", lucene));
        for (String database : databases) {
            for (String model : models) {
                table.addAll(run(collection, database.trim(), model.trim(), true));
            }
            // the database's own keyword index (CORTEX_SEARCH_KEYWORDS_IN_MEMORY=false), with the first model
            table.addAll(run(collection, database.trim(), models.get(0).trim(), false));
        }
        System.out.println("\n| run | database | model | nDCG@10 | recall@100 |\n|---|---|---|---|---|");
        table.forEach(System.out::println);
    }

    private static String row(String run, String database, String model, Cranfield.Scores s) {
        return String.format("| %s | %s | %s | %.3f | %.3f |", run, database, model, s.ndcg10(), s.recall100());
    }

    private static List<String> run(Cranfield collection, String database, String model, boolean keywordsInMemory)
            throws Exception {
        String keywords = keywordsInMemory ? "" : " (the database's keyword index)";
        Path dir = Files.createTempDirectory("cortex-retrieval-" + database + "-");
        String url = database.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.freshPostgres();
        Map<String, String> env = ProcessApp.env(dir, url, "all");
        env.put("CORTEX_EMBED_MODEL", model);
        env.put("CORTEX_SEARCH_KEYWORDS_IN_MEMORY", String.valueOf(keywordsInMemory));
        List<String> rows = new ArrayList<>();
        try (ProcessApp app = ProcessApp.startJar(dir, "retrieval", env, "-Xmx1g")) {
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> app.get("/observe/health/ready").status() == 200);
            String project = app.postJson("/api/projects", "{\"name\":\"cranfield\"}").json().get("id").asText();
            long started = System.nanoTime();
            int jobs = 0;
            int empty = 0;
            for (Cranfield.Doc d : collection.corpus().values()) {
                if (d.content().isBlank()) {
                    empty++;
                    continue;
                }
                ApiClient.Reply r = app.postJson("/api/projects/" + project + "/ingest", JSON.writeValueAsString(
                        Map.of("source_type", "text", "content", d.content(), "document_key", d.id())));
                if (r.status() != 200) {
                    throw new IllegalStateException("document " + d.id() + " refused: " + r.body());
                }
                jobs++;
            }
            int expected = jobs;
            String list = "/api/projects/" + project + "/ingest/jobs?limit=1&status=";
            Awaitility.await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                long failed = app.get(list + "failed").json().get("total").asLong();
                if (failed > 0) {
                    throw new IllegalStateException(failed + " jobs failed: " + app.get(list + "failed").body());
                }
                return app.get(list + "completed").json().get("total").asLong() == expected;
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%s, %s%s: %d jobs (%d empty documents left out) completed in %.0f s (%.1f jobs/s)%n",
                    database, model, keywords, jobs, empty, seconds, jobs / seconds);

            Map<String, Map<String, List<String>>> byMode = new LinkedHashMap<>();
            for (String mode : MODES) {
                Map<String, List<String>> rankings = new HashMap<>();
                long t0 = System.nanoTime();
                for (Map.Entry<String, String> q : collection.queries().entrySet()) {
                    JsonNode answer = app.postJson("/api/projects/" + project + "/search", JSON.writeValueAsString(
                            Map.of("query", q.getValue(), "mode", mode, "k", 100))).json();
                    if (!answer.get("mode").asText().equals(mode)) {
                        throw new IllegalStateException("asked for " + mode + ", answered " + answer);
                    }
                    List<String> documents = new ArrayList<>();
                    answer.get("items").forEach(i -> documents.add(i.get("document_key").asText()));
                    rankings.put(q.getKey(), Cranfield.documents(documents));
                }
                System.out.printf("  %-8s %d queries, %.1f ms each (one client, k = 100)%n", mode,
                        collection.queries().size(), (System.nanoTime() - t0) / 1e6 / collection.queries().size());
                byMode.put(mode, rankings);
                rows.add(row("service, " + mode + keywords, database, model, collection.score(rankings)));
            }
            for (int k : keywordsInMemory ? new int[] {10, 30, 100} : new int[0]) {
                rows.add(row("reciprocal rank fusion k=" + k + " of the service's keyword and vector rankings",
                        database, model, collection.score(fuse(byMode.get("keyword"), byMode.get("vector"), k))));
            }
            System.out.printf("  peak RSS of the service %d MiB%n", app.peakRssKib() / 1024);
        }
        return rows;
    }

    /** Reciprocal rank fusion of two document rankings: 1 / (k + rank) from each. */
    static Map<String, List<String>> fuse(Map<String, List<String>> a, Map<String, List<String>> b, int k) {
        Map<String, List<String>> fused = new HashMap<>();
        for (String q : a.keySet()) {
            Map<String, Double> score = new HashMap<>();
            List<String> ra = a.get(q);
            List<String> rb = b.getOrDefault(q, List.of());
            for (int i = 0; i < ra.size(); i++) {
                score.merge(ra.get(i), 1.0 / (k + i + 1), Double::sum);
            }
            for (int i = 0; i < rb.size(); i++) {
                score.merge(rb.get(i), 1.0 / (k + i + 1), Double::sum);
            }
            List<String> ids = new ArrayList<>(score.keySet());
            ids.sort((x, y) -> Double.compare(score.get(y), score.get(x)));
            fused.put(q, ids);
        }
        return fused;
    }
}
