package routes.failure;

/** A request refused because of the client's mistake, before anything was changed. Its message says what to do. */
public abstract class RequestRefused extends RuntimeException {

    protected RequestRefused(String detail) {
        // A refusal is an answer, not a fault: no stack trace to fill.
        super(detail, null, false, false);
    }
}
