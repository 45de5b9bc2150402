package routes.api;

import java.nio.file.Path;

import routes.support.TestDatabase;

/** Text kept exactly as received, on PostgreSQL. */
class PostgresTextTest extends TextContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.freshPostgres();
    }
}
