package routes.failure;

/**
 * A failure that another attempt cannot mend (checksum mismatch, unsupported type, missing source, no text): the
 * job fails at once instead of being retried. Thrown by sources, stores and the worker's stages alike.
 */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message) {
        super(message);
    }
}
