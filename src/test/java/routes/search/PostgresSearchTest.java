package routes.search;

import java.nio.file.Path;

import routes.support.TestDatabase;

/** Search on PostgreSQL without pgvector (the machine's server has none): tsvector and the vectors in memory. */
class PostgresSearchTest extends SearchContract {

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.freshPostgres();
    }
}
