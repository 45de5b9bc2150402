package routes.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The databases the suite runs against. PostgreSQL is the server named by CORTEX_TEST_POSTGRES_URL (CI sets it to
 * the machine's server) or, where none is set, an embedded PostgreSQL; every test class gets a fresh database.
 */
public final class TestDatabase {

    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    public static String sqlite(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("cortex.db") + "?journal_mode=WAL&busy_timeout=10000"
                + "&transaction_mode=IMMEDIATE&foreign_keys=true";
    }

    /** Creates a new, empty PostgreSQL database and returns its JDBC URL (user and password in it). */
    public static synchronized String freshPostgres() {
        String server = System.getenv("CORTEX_TEST_POSTGRES_URL");
        if (server == null || server.isBlank()) {
            server = embeddedUrl();
        }
        String name = "cortex_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(server); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + server + ": " + e.getMessage(), e);
        }
        int slash = server.lastIndexOf('/');
        int query = server.indexOf('?', slash);
        return server.substring(0, slash + 1) + name + (query >= 0 ? server.substring(query) : "");
    }

    private static String embeddedUrl() {
        try {
            if (embedded == null) {
                embedded = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        embedded.close();
                    } catch (Exception e) {
                        // the JVM is exiting; the temporary cluster goes with it
                    }
                }));
            }
            return embedded.getJdbcUrl("postgres", "postgres");
        } catch (Exception e) {
            throw new IllegalStateException("no CORTEX_TEST_POSTGRES_URL and the embedded PostgreSQL did not start", e);
        }
    }
}
