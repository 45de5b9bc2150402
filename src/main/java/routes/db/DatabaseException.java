package routes.db;

import java.sql.SQLException;

/**
 * A database failure that is not the client's fault: answered as 503, never as a 4xx. It says what is wrong in
 * words an operator acts on (read-only, full, locked, unreachable), from the first error the driver reported, not
 * from what a rollback or commit after it said ("cannot commit - no transaction is active").
 */
public class DatabaseException extends RuntimeException {

    /** What is wrong with the database, as far as the driver tells. */
    public enum Reason {
        READ_ONLY("the database cannot be written (read-only)"),
        FULL("the database's disk is full"),
        LOCKED("the database is locked by another writer"),
        IO_ERROR("the database's files cannot be written (a read-only, full or failing disk)"),
        UNREACHABLE("the database is unreachable");

        private final String words;

        Reason(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private final Reason reason;

    public DatabaseException(SQLException cause) {
        super(reason(cause).words() + ": " + cause.getMessage(), cause);
        this.reason = reason(cause);
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The reason of a failure: SQLite's result codes and PostgreSQL's SQL states, in the failure, its causes and
     * what it suppressed (the statement that failed first, before a rollback that failed too).
     */
    static Reason reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Reason r = one(t);
            if (r != null) {
                return r;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                Reason s = reason(suppressed);
                if (s != Reason.UNREACHABLE) {
                    return s;
                }
            }
        }
        return Reason.UNREACHABLE;
    }

    private static Reason one(Throwable t) {
        String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        String state = t instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() : "";
        if (message.contains("readonly") || message.contains("read-only") || state.equals("25006")) {
            return Reason.READ_ONLY;
        }
        if (message.contains("database or disk is full") || state.equals("53100")) {
            return Reason.FULL;
        }
        if (message.contains("database is locked") || message.contains("sqlite_busy") || state.equals("55P03")) {
            return Reason.LOCKED;
        }
        if (message.contains("sqlite_ioerr") || message.contains("disk i/o error") || state.startsWith("58")) {
            return Reason.IO_ERROR;
        }
        return null;
    }
}
