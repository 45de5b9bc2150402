package routes.search;

import java.nio.file.Path;

import routes.support.TestDatabase;

/** Search on the embedded default: keywords and vectors in memory, following SQLite. */
class SqliteSearchTest extends SearchContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    @org.junit.jupiter.api.Test
    void healthSaysWhereKeywordsAreSearched() {
        org.assertj.core.api.Assertions.assertThat(app.get("/observe/health").body()).containsPattern("in memory, \\d+ chunks");
    }
}
