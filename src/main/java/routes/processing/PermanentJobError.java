package routes.processing;

/** An error that another attempt cannot cure (checksum mismatch, unsupported type, missing source, no text). */
public class PermanentJobError extends RuntimeException {

    public PermanentJobError(String message) {
        super(message);
    }
}
