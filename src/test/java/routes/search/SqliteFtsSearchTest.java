package routes.search;

import java.nio.file.Path;
import java.util.Map;

import routes.support.TestDatabase;

/** Search on SQLite with keywords from its own FTS5 index (CORTEX_SEARCH_KEYWORDS_IN_MEMORY=false). */
class SqliteFtsSearchTest extends SearchContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    @Override
    Map<String, String> settings() {
        return Map.of("cortex.search.keywords-in-memory", "false");
    }

    @org.junit.jupiter.api.Test
    void healthSaysWhereKeywordsAreSearched() {
        org.assertj.core.api.Assertions.assertThat(app.get("/observe/health").body()).contains("the database's full-text index");
    }
}
