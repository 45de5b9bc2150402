package routes.search;

import java.nio.file.Path;

import routes.support.TestDatabase;

/** Search on the embedded default: SQLite's FTS5 and the vectors in memory. */
class SqliteSearchTest extends SearchContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
