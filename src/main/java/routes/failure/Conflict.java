package routes.failure;

/** A request that contradicts an earlier one, such as an Idempotency-Key reused with another body (HTTP 409). */
public class Conflict extends RequestRefused {

    public Conflict(String detail) {
        super(detail);
    }
}
