package routes.processing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import routes.document.Chunk;
import routes.document.ExtractedDocument;
import routes.job.JobStage;
import routes.search.Embedder;
import routes.search.EmbeddingStore;

/**
 * Stage embed: every chunk text of the attempt gets a vector of the process's embedding model, unless it has one
 * already (unchanged text, from any job, costs no model time). Texts go to the shared embedding pool in batches; the
 * attempt's cancel, deadline and shutdown checks hold between them. Each batch's vectors are saved at once, keyed by
 * text: an attempt that dies halfway and is retried leaves one vector per text. With embedding off the stage only
 * says so.
 */
public final class EmbedStage {

    private final StageProgress progress;
    private final Embedder embedder;
    private final EmbeddingStore store;
    private final int batch;

    /** @param embedder null when embedding is off (CORTEX_EMBED_ENABLED=false) */
    public EmbedStage(StageProgress progress, Embedder embedder, EmbeddingStore store, int batch) {
        this.progress = progress;
        this.embedder = embedder;
        this.store = store;
        this.batch = batch;
    }

    public JobRun embed(JobRun run) {
        if (embedder == null) {
            progress.enter(run, JobStage.EMBED, "Not embedding: vector search is off (CORTEX_EMBED_ENABLED=false)");
            return run;
        }
        if (run.staged() != null) {
            return embedStaged(run);
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (ExtractedDocument d : run.documents()) {
            for (Chunk chunk : d.chunks()) {
                texts.putIfAbsent(chunk.sha256(), chunk.text());
            }
        }
        Set<String> known = store.known(texts.keySet(), embedder.model());
        texts.keySet().removeAll(known);
        progress.enter(run, JobStage.EMBED, "Embedding " + Counts.of(texts.size()) + " chunk(s)"
                + (known.isEmpty() ? "" : ", " + Counts.of(known.size()) + " unchanged"));
        List<Map.Entry<String, String>> all = new ArrayList<>(texts.entrySet());
        routes.source.Checkpoint checkpoint = progress.checkpoint(run, JobStage.EMBED);
        // every text to the pool at once; the vectors saved a batch at a time as they come, the checkpoint between
        Embedder.Submitted submitted = embedder.submit(run.attempt(), all.stream().map(Map.Entry::getValue).toList());
        try {
            for (int from = 0; from < all.size(); from += batch) {
                List<Map.Entry<String, String>> part = all.subList(from, Math.min(all.size(), from + batch));
                save(part, submitted.next(part.size(), checkpoint::check));
                double done = (double) Math.min(all.size(), from + batch) / all.size();
                progress.step(run, JobStage.EMBED, JobStage.EMBED.progress()
                        + done * (JobStage.STORE.progress() - JobStage.EMBED.progress()), "Embedded "
                        + Counts.of(Math.min(all.size(), from + batch)) + " of " + Counts.of(all.size()) + " chunk(s)");
            }
        } finally {
            submitted.cancel();
        }
        return run;
    }

    /**
     * A tree stored in batches while it was indexed: its staged chunks without a vector, page by page, the next page
     * handed to the pool before this one is waited for (the pool never idles between pages).
     */
    private JobRun embedStaged(JobRun run) {
        progress.enter(run, JobStage.EMBED, "Embedding the chunks of " + Counts.of(run.staged().files()) + " file(s)");
        routes.source.Checkpoint checkpoint = progress.checkpoint(run, JobStage.EMBED);
        int done = 0;
        List<EmbeddingStore.Missing> page = store.missingStagedBy(run.attempt(), embedder.model(), batch, Set.of());
        Embedder.Submitted submitted = embedder.submit(run.attempt(), texts(page));
        try {
            while (!page.isEmpty()) {
                // the next page: texts not in this one (this one's vectors are not saved yet)
                Set<String> inFlight = new java.util.HashSet<>();
                page.forEach(m -> inFlight.add(m.sha256()));
                List<EmbeddingStore.Missing> next = store.missingStagedBy(run.attempt(), embedder.model(), batch,
                        inFlight);
                Embedder.Submitted following = embedder.submit(run.attempt(), texts(next));
                save(page.stream().map(m -> Map.entry(m.sha256(), m.text())).toList(),
                        submitted.next(page.size(), checkpoint::check));
                done += page.size();
                progress.step(run, JobStage.EMBED, JobStage.EMBED.progress(), "Embedded " + Counts.of(done)
                        + " chunk(s)");
                page = next;
                submitted = following;
            }
        } finally {
            submitted.cancel();
        }
        return run;
    }

    private static List<String> texts(List<EmbeddingStore.Missing> page) {
        return page.stream().map(EmbeddingStore.Missing::text).toList();
    }

    private void save(List<Map.Entry<String, String>> texts, List<float[]> vectors) {
        Map<String, float[]> bySha = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            bySha.put(texts.get(i).getKey(), vectors.get(i));
        }
        store.save(bySha, embedder.model());
    }
}
