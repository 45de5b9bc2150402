package routes.search;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executor;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

/**
 * The embedding models this build ships (ONNX, quantized, inside the jar: nothing is downloaded at run time), by the
 * id a stored vector records. A model turns text into a unit vector; queries may need an instruction in front of
 * them (bge reads "Represent this sentence for searching relevant passages: " before a query, not before a passage).
 */
public enum EmbeddingModels {

    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", 384, "Represent this sentence for searching relevant passages: ",
            PoolingMode.CLS, BgeSmallEnV15QuantizedEmbeddingModel.class),
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", 384, "", PoolingMode.MEAN, AllMiniLmL6V2QuantizedEmbeddingModel.class);

    private final String id;
    private final int dimensions;
    private final String queryPrefix;
    private final PoolingMode pooling;
    /** langchain4j's class of the model: its jar holds the ONNX file and the tokenizer, named by the id. */
    private final Class<?> packaged;

    EmbeddingModels(String id, int dimensions, String queryPrefix, PoolingMode pooling, Class<?> packaged) {
        this.id = id;
        this.dimensions = dimensions;
        this.queryPrefix = queryPrefix;
        this.pooling = pooling;
        this.packaged = packaged;
    }

    public String id() {
        return id;
    }

    public int dimensions() {
        return dimensions;
    }

    public String queryPrefix() {
        return queryPrefix;
    }

    /** The model by its id; empty input or an unknown id throws with the ids there are. */
    public static EmbeddingModels byId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no embedding model " + id + " (this build has: "
                        + ids() + ")"));
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(EmbeddingModels::id).toList());
    }

    /**
     * Loads the model (its ONNX file from the jar, a few hundred milliseconds): one instance per process. It runs
     * each text on the thread that asks ({@code executor}): the service's own pool decides what runs when.
     */
    public EmbeddingModel load(Executor executor) {
        return new OnnxEmbeddingModel(executor, id, pooling, dimensions, packaged);
    }
}
