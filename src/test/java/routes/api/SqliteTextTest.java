package routes.api;

import java.nio.file.Path;

import routes.support.TestDatabase;

/** Text kept exactly as received, on SQLite. */
class SqliteTextTest extends TextContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
