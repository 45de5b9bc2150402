package routes.storage;

/** Storage failed for a reason that is not the client's: answered 503, and nothing is left behind. */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
