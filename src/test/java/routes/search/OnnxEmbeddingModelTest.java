package routes.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import org.junit.jupiter.api.Test;

/**
 * The service's sessions (one core per call, no spinning) give the vectors langchain4j's own models give: the same
 * model, tokenizer and pooling, only run differently. Stored vectors stay valid across the change.
 */
class OnnxEmbeddingModelTest {

    private static final List<TextSegment> TEXTS = List.of(TextSegment.from("Boundary layer transition on a swept wing"),
            TextSegment.from("Zürich, 東京 and emoji 😀 in one line"), TextSegment.from("x".repeat(3000)));

    @Test
    void bgeVectorsAreLangchain4jsVectors() {
        same(EmbeddingModels.BGE_SMALL_EN_V15_Q.load(Runnable::run), new BgeSmallEnV15QuantizedEmbeddingModel());
    }

    @Test
    void miniLmVectorsAreLangchain4jsVectors() {
        same(EmbeddingModels.ALL_MINILM_L6_V2_Q.load(Runnable::run), new AllMiniLmL6V2QuantizedEmbeddingModel());
    }

    private static void same(EmbeddingModel ours, EmbeddingModel theirs) {
        assertThat(ours.dimension()).isEqualTo(theirs.dimension()).isEqualTo(384);
        List<float[]> a = ours.embedAll(TEXTS).content().stream().map(e -> e.vector()).toList();
        List<float[]> b = theirs.embedAll(TEXTS).content().stream().map(e -> e.vector()).toList();
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(Vectors.dot(a.get(i), 0, b.get(i))).as("cosine of text " + i).isGreaterThan(0.9999f);
        }
    }
}
