package routes.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import routes.support.PgliteServer;

/**
 * Search on PostgreSQL with pgvector (PGlite: PostgreSQL 18 with pgvector 0.8): the vectors in a {@code vector}
 * column under an HNSW index, searched by the database; the same contract as everywhere else.
 */
class PgVectorSearchTest extends SearchContract {

    PgliteServer pglite;

    @Override
    String databaseUrl(Path dir) {
        pglite = PgliteServer.startOrAbort(dir);
        return pglite.jdbcUrl();
    }

    /** The service first, then its database. */
    @Override
    @AfterAll
    void stop() {
        if (app != null) {
            super.stop();
        }
        if (pglite != null) {
            pglite.close();
        }
    }

    @Test
    void healthSaysPgvectorServesVectorSearch() {
        assertThat(app.get("/observe/health").body()).contains("pgvector");
    }
}
