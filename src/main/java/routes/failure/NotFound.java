package routes.failure;

/** A project, job or document that does not exist for the caller: unknown, of another project, or deleted (HTTP 404). */
public class NotFound extends RequestRefused {

    public NotFound(String detail) {
        super(detail);
    }
}
