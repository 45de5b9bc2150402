package routes.search;

import java.nio.file.Path;
import java.util.Map;

import routes.support.TestDatabase;

/**
 * Search on PostgreSQL without pgvector (the machine's server has none), keywords from the database's own index
 * (BM25 over tsvector, CORTEX_SEARCH_KEYWORDS_IN_MEMORY=false), vectors in memory.
 */
class PostgresSearchTest extends SearchContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.freshPostgres();
    }

    @Override
    Map<String, String> settings() {
        return Map.of("cortex.search.keywords-in-memory", "false");
    }
}
