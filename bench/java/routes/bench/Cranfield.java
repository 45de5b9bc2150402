package routes.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A retrieval test collection in the BEIR layout ({@code corpus.jsonl} {"_id","title","text"}, {@code queries.jsonl}
 * {"_id","text"}, {@code qrels/test.tsv} query-id, corpus-id, graded score, with a header line), and the two measures
 * BEIR reports: nDCG@10 (graded gains, log2 discount) and recall@100, averaged over every query.
 */
record Cranfield(Map<String, Doc> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels) {

    record Doc(String id, String title, String text) {

        /** What is indexed: the title, a blank line, the text (either may be empty). */
        String content() {
            return (title.isBlank() ? "" : title.strip() + "\n\n") + text.strip();
        }
    }

    /** Reads the collection in {@code dir} (the system property bench.cranfield names it). */
    static Cranfield load(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Doc> corpus = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("corpus.jsonl"))) {
            JsonNode d = json.readTree(line);
            corpus.put(d.get("_id").asText(), new Doc(d.get("_id").asText(), d.path("title").asText(""),
                    d.path("text").asText("")));
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
            JsonNode q = json.readTree(line);
            queries.put(q.get("_id").asText(), q.get("text").asText());
        }
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("qrels/test.tsv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            int score = Integer.parseInt(f[2].trim());
            if (score > 0) {
                qrels.computeIfAbsent(f[0].trim(), q -> new HashMap<>()).put(f[1].trim(), score);
            }
        }
        return new Cranfield(corpus, queries, qrels);
    }

    static Path dir() {
        String dir = System.getProperty("bench.cranfield");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("-Dbench.cranfield=<dir> must name the Cranfield collection in the BEIR"
                    + " layout (corpus.jsonl, queries.jsonl, qrels/test.tsv)");
        }
        return Path.of(dir);
    }

    /** nDCG@10 and recall@100 of rankings (query id -> document ids, best first), averaged over every query. */
    record Scores(double ndcg10, double recall100) {
    }

    Scores score(Map<String, List<String>> rankings) {
        double ndcg = 0;
        double recall = 0;
        for (String q : queries.keySet()) {
            Map<String, Integer> relevant = qrels.getOrDefault(q, Map.of());
            List<String> ranked = rankings.getOrDefault(q, List.of());
            double dcg = 0;
            for (int i = 0; i < Math.min(10, ranked.size()); i++) {
                dcg += relevant.getOrDefault(ranked.get(i), 0) / log2(i + 2);
            }
            List<Integer> ideal = new ArrayList<>(relevant.values());
            ideal.sort(java.util.Comparator.reverseOrder());
            double idcg = 0;
            for (int i = 0; i < Math.min(10, ideal.size()); i++) {
                idcg += ideal.get(i) / log2(i + 2);
            }
            ndcg += idcg == 0 ? 0 : dcg / idcg;
            long found = ranked.stream().limit(100).filter(relevant::containsKey).count();
            recall += relevant.isEmpty() ? 0 : (double) found / relevant.size();
        }
        return new Scores(ndcg / queries.size(), recall / queries.size());
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** A ranking of chunks as a ranking of documents: a chunk's rank is its document's, the first occurrence counts. */
    static List<String> documents(List<String> chunkDocuments) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(chunkDocuments));
    }
}
