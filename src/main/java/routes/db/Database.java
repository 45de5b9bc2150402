package routes.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;

/**
 * The connection pool, the schema migrations and a small amount of JDBC plumbing shared by the stores. SQL itself
 * lives in the stores, beside the code that needs it.
 */
public final class Database implements AutoCloseable {

    /** One unit of work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String url;
    private final String user;
    private final String password;

    /**
     * @param connectTimeout how long a request waits for a connection before it fails (503): an unreachable
     *                       database answers within this, not after Hikari's default 30 s
     */
    public Database(String url, String user, String password, int poolSize, java.time.Duration connectTimeout) {
        this.dialect = Dialect.of(url);
        this.url = url;
        this.user = user;
        this.password = password;
        if (dialect == Dialect.SQLITE) {
            createParentFolder(url);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("cortex-db");
        config.setConnectionTimeout(connectTimeout.toMillis());
        this.dataSource = new HikariDataSource(config);
    }

    /**
     * A write (readiness): every job change is a write, so a database that answers reads but refuses writes
     * (read-only, full, locked past the busy timeout) is not ready. Throws, with the reason. PostgreSQL refuses the
     * write itself, which is rolled back; SQLite touches its files only when a transaction commits, so there the
     * probe's one row is written for real.
     */
    public void check() {
        try (Connection c = dataSource.getConnection()) {
            transaction(c, probe -> {
                update(probe, "INSERT INTO readiness_probe (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE"
                        + " SET probed_at = excluded.probed_at", Dialect.now());
                if (dialect == Dialect.POSTGRESQL) {
                    // refused already if it could not be written; nothing to keep
                    throw new RolledBack();
                }
                return null;
            });
        } catch (RolledBack expected) {
            // the write was accepted and undone
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Applies the migrations of this database's dialect; history lives in schema_migrations. */
    public void migrate() {
        // Flyway holds two connections at once on SQLite, which IMMEDIATE transactions would lock against each other.
        String migrationUrl = dialect == Dialect.SQLITE ? url.replaceAll("([?&])transaction_mode=[^&]*&?", "$1") : url;
        var flyway = Flyway.configure()
                .dataSource(migrationUrl, user, password)
                .table("schema_migrations")
                .locations(dialect.migrationLocation())
                .failOnMissingLocations(true);
        // PostgreSQL: the migration lock is taken per session, not inside the migration's transaction. The
        // transactional lock has one connection wait, in its transaction, for the other: a server that serves its
        // connections one transaction at a time (PGlite's socket server, a pooler) never answers it.
        flyway.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        flyway.load().migrate();
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs one read outside an explicit transaction: the statement is its own snapshot. On SQLite this matters: an
     * explicit transaction there is BEGIN IMMEDIATE, which takes the write lock, while a plain read in WAL mode
     * takes none and waits for no writer. For single statements only; several reads that must agree use
     * {@link #inTransaction}.
     */
    public <T> T read(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Runs several reads that must agree (a page and its total, a snapshot and its seq) in one transaction that takes
     * no write lock. On SQLite it is a DEFERRED transaction: in WAL mode it reads a snapshot and waits for no writer,
     * where the IMMEDIATE transactions of {@link #inTransaction} queue every request behind a long store
     * transaction until the busy timeout. Reads only: a write inside it would fail on SQLite.
     */
    public <T> T readTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            SQLiteConnectionConfig sqlite = dialect == Dialect.SQLITE
                    ? c.unwrap(SQLiteConnection.class).getConnectionConfig() : null;
            if (sqlite == null) {
                return transaction(c, work);
            }
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
            try {
                return transaction(c, work);
            } finally {
                sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return transaction(c, work);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** The probe's way out of a transaction it does not want committed. */
    private static final class RolledBack extends RuntimeException {
        RolledBack() {
            super(null, null, false, false);
        }
    }

    /** What to do once the transaction on {@code c} committed (a log line, a count): nothing if it rolls back. */
    public void afterCommit(Connection c, Runnable action) {
        afterCommit.get().computeIfAbsent(c, k -> new ArrayList<>()).add(action);
    }

    /** What undoes, if the transaction on {@code c} rolls back, what was done for it in memory before its commit. */
    public void afterRollback(Connection c, Runnable action) {
        afterRollback.get().computeIfAbsent(c, k -> new ArrayList<>()).add(action);
    }

    /** Per thread, per open transaction's connection: the actions that wait for its commit. */
    private final ThreadLocal<java.util.Map<Connection, List<Runnable>>> afterCommit =
            ThreadLocal.withInitial(java.util.IdentityHashMap::new);
    private final ThreadLocal<java.util.Map<Connection, List<Runnable>>> afterRollback =
            ThreadLocal.withInitial(java.util.IdentityHashMap::new);

    private <T> T transaction(Connection c, Work<T> work) throws SQLException {
        // Transactions begin here, not when a connection enters the pool: sqlite-jdbc opens its transaction
        // (BEGIN IMMEDIATE: the write lock, or DEFERRED for a read transaction) as soon as auto-commit is switched off.
        c.setAutoCommit(false);
        T result;
        try {
            result = work.run(c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            afterCommit.get().remove(c);
            try {
                c.rollback();
            } catch (SQLException rollback) {
                // the first failure says what went wrong; the rollback's ("no transaction is active") does not
                e.addSuppressed(rollback);
            }
            List<Runnable> undo = afterRollback.get().remove(c);
            for (Runnable action : undo == null ? List.<Runnable>of() : undo) {
                try {
                    action.run();
                } catch (RuntimeException failed) {
                    e.addSuppressed(failed);
                }
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException broken) {
                // a broken connection: the pool discards it; what failed before is what the caller hears
            }
        }
        afterRollback.get().remove(c);
        List<Runnable> committed = afterCommit.get().remove(c);
        if (committed != null) {
            committed.forEach(Runnable::run);
        }
        return result;
    }

    public int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /** One statement run for every row of parameters, sent to the database as one batch. */
    public void updateBatch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    dialect.bind(ps, i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The placeholders of an {@code IN (...)} list of {@code n} values: {@code ?, ?, ?}. */
    public static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    public <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        }
    }

    public <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        List<T> rows = query(c, sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                dialect.bind(ps, i + 1, params[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    private static void createParentFolder(String url) {
        String file = url.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the database folder " + parent + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
