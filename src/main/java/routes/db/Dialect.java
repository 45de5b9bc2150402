package routes.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What differs between the two databases we run on. PostgreSQL has real uuid and timestamptz columns; SQLite keeps
 * both as text, timestamps in one fixed-width ISO-8601 UTC form so that text order is time order.
 */
public enum Dialect {
    POSTGRESQL("postgresql"),
    SQLITE("sqlite");

    private static final DateTimeFormatter SQLITE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        throw new IllegalArgumentException("unsupported database URL " + jdbcUrl);
    }

    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /** Both databases keep microseconds; truncating in Java makes what we write and what we read back equal. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * SQL for the database's clock plus a number of milliseconds bound as one parameter (negative: in the past).
     * Leases and hand-off times are computed by the database, never by an instance's own clock: an instance whose
     * clock runs ahead would otherwise see the leases of others as expired and take their jobs. On SQLite the value
     * has the fixed-width form every timestamp column has, so text order stays time order.
     */
    public String clockPlusMillis() {
        return this == POSTGRESQL
                ? "(statement_timestamp() + CAST(? AS double precision) * interval '1 millisecond')"
                : "(strftime('%Y-%m-%dT%H:%M:%f', 'now', (CAST(? AS REAL) / 1000.0) || ' seconds') || '000Z')";
    }

    /** SQL for the database's clock now. */
    public String clock() {
        return this == POSTGRESQL ? "statement_timestamp()" : "(strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')";
    }

    public void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, this == POSTGRESQL ? Types.OTHER : Types.NULL);
        } else if (value instanceof Instant instant) {
            if (this == POSTGRESQL) {
                ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else {
                ps.setString(index, SQLITE_TIME.format(instant));
            }
        } else if (value instanceof UUID uuid) {
            if (this == POSTGRESQL) {
                ps.setObject(index, uuid);
            } else {
                ps.setString(index, uuid.toString());
            }
        } else if (value instanceof Enum<?> e) {
            ps.setString(index, e.toString());
        } else {
            ps.setObject(index, value);
        }
    }

    public Instant instant(ResultSet rs, String column) throws SQLException {
        if (this == POSTGRESQL) {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        String text = rs.getString(column);
        return text == null ? null : Instant.parse(text);
    }

    public UUID uuid(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : UUID.fromString(text);
    }

    public Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
