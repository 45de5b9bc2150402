package routes.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.Test;
import routes.failure.PermanentFailure;

/**
 * How the shared embedding pool treats a model's failures. A model that refuses a text (an IllegalArgumentException:
 * the text is the problem) fails that text's job for good, and only that job, even when its text shared a batch with
 * other jobs' texts; any other failure of the model is transient (the attempt is retried); a checkpoint that throws
 * (a cancel) stops the wait and withdraws the job's texts. The model here stands in for the ONNX one, whose real
 * failures cannot be provoked on demand.
 */
class EmbedderTest {

    /** Refuses texts with "refused" in them, breaks on "broken", embeds anything else as a one-hot vector. */
    static final class FailingModel implements EmbeddingModel {
        /** Batches the model was given, by size. */
        final List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
        /** The text "gate" holds the model until {@link #open} (while other jobs' texts queue up). */
        final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            batches.add(segments.size());
            if (segments.get(0).text().equals("gate")) {
                holding.countDown();
                try {
                    open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            List<Embedding> out = new ArrayList<>();
            for (TextSegment s : segments) {
                if (s.text().contains("refused")) {
                    throw new IllegalArgumentException("text cannot be tokenized");
                }
                if (s.text().contains("broken")) {
                    throw new IllegalStateException("ONNX session failed");
                }
                float[] v = new float[384];
                v[Math.abs(s.text().hashCode()) % 384] = 1;
                out.add(Embedding.from(v));
            }
            return Response.from(out);
        }
    }

    private static Embedder embedder(FailingModel model) {
        Embedder e = new Embedder(EmbeddingModels.ALL_MINILM_L6_V2_Q, executor -> model, 1, 8);
        e.startLoading();
        return e;
    }

    @Test
    void aRefusedTextFailsItsOwnJobForGoodAndNoOtherInItsBatch() throws Exception {
        FailingModel model = new FailingModel();
        try (Embedder e = embedder(model)) {
            // the one thread is busy while two jobs' texts queue up: then it takes them in one batch
            CompletableFuture<List<float[]>> gate = CompletableFuture.supplyAsync(() -> e.embed("job-0",
                    List.of("gate"), () -> { }));
            model.holding.await();
            CompletableFuture<List<float[]>> bad = CompletableFuture.supplyAsync(() -> e.embed("job-a",
                    List.of("fine text", "a refused text"), () -> { }));
            CompletableFuture<List<float[]>> good = CompletableFuture.supplyAsync(() -> e.embed("job-b",
                    List.of("another fine text", "  "), () -> { }));
            org.awaitility.Awaitility.await().until(() -> e.queued() == 3);
            model.open.countDown();
            gate.get();
            List<float[]> vectors = good.get();
            assertThat(model.batches).as("the two jobs' texts went to the model in one batch").contains(3);
            assertThat(vectors).hasSize(2);
            assertThat(vectors.get(0)).contains(1f);
            assertThat(vectors.get(1)).as("blank text never reaches the model").containsOnly(0f);
            assertThatThrownBy(bad::join).hasCauseInstanceOf(PermanentFailure.class)
                    .hasMessageContaining("cannot take this document's text");
        }
    }

    @Test
    void anyOtherModelFailureIsTransient() {
        try (Embedder e = embedder(new FailingModel())) {
            assertThatThrownBy(() -> e.embed("job-c", List.of("broken input"), () -> { }))
                    .isInstanceOf(IllegalStateException.class).isNotInstanceOf(PermanentFailure.class)
                    .hasMessageContaining("Embedding failed");
        }
    }

    @Test
    void aCheckpointThatThrowsStopsTheWait() {
        try (Embedder e = embedder(new FailingModel())) {
            assertThatThrownBy(() -> e.embed("job-d", List.of("one", "two"), () -> {
                throw new IllegalStateException("Cancelled");
            })).hasMessage("Cancelled");
            assertThat(e.queued()).isZero();
        }
    }
}
