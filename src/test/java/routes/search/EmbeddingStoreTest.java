package routes.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.db.Database;
import routes.document.Chunk;
import routes.support.BothDatabases;

/**
 * The vectors' store on both databases: one vector per text and model, whoever saves it and however often (an attempt
 * retried after a crash, two jobs racing with the same paragraph), each with its model and dimension, read back as
 * saved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingStoreTest {

    private BothDatabases databases;

    @BeforeAll
    void open() {
        databases = BothDatabases.open();
    }

    @AfterAll
    void close() {
        databases.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void oneVectorPerTextAndModelWhoeverSavesIt(String database) throws Exception {
        Database db = databases.get(database);
        EmbeddingStore store = new EmbeddingStore(db, new PgVector(db));
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            float[] v = new float[384];
            v[i] = 1;
            vectors.put(Chunk.sha256(database + " text " + i), v);
        }
        List<CompletableFuture<Void>> racing = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            racing.add(CompletableFuture.runAsync(() -> store.save(vectors, EmbeddingModels.BGE_SMALL_EN_V15_Q)));
        }
        for (CompletableFuture<Void> f : racing) {
            f.get();
        }
        store.save(vectors, EmbeddingModels.BGE_SMALL_EN_V15_Q);
        store.save(Map.of(vectors.keySet().iterator().next(), new float[384]), EmbeddingModels.ALL_MINILM_L6_V2_Q);

        assertThat(store.known(vectors.keySet(), EmbeddingModels.BGE_SMALL_EN_V15_Q)).hasSize(20);
        assertThat(store.known(vectors.keySet(), EmbeddingModels.ALL_MINILM_L6_V2_Q)).hasSize(1);
        List<Object[]> rows = db.read(c -> db.query(c, "SELECT content_sha256, model, dimensions, vector FROM"
                + " chunk_embeddings WHERE content_sha256 IN (" + String.join(", ", java.util.Collections.nCopies(20,
                        "?")) + ")", rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3), rs.getBytes(4)},
                vectors.keySet().toArray()));
        assertThat(rows).hasSize(21);
        for (Object[] row : rows) {
            assertThat(row[2]).isEqualTo(384);
            if (row[1].equals("bge-small-en-v1.5-q")) {
                assertThat(Vectors.floats((byte[]) row[3])).containsExactly(vectors.get((String) row[0]));
            }
        }
    }
}
