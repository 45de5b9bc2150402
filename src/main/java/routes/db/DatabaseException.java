package routes.db;

import java.sql.SQLException;

/** A database failure that is not the client's fault: answered as 503/500, never as a 4xx. */
public class DatabaseException extends RuntimeException {

    public DatabaseException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
