package routes.api;

import java.nio.file.Path;

import routes.support.TestDatabase;

/** The HTTP contract on PostgreSQL: the CI server, or an embedded one where none is configured. */
class PostgresIngestApiTest extends IngestApiContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.freshPostgres();
    }
}
