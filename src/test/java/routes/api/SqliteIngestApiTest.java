package routes.api;

import java.nio.file.Path;

import routes.support.TestDatabase;

/** The HTTP contract on the embedded default database. */
class SqliteIngestApiTest extends IngestApiContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
