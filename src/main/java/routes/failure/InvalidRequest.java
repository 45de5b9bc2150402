package routes.failure;

/** A field, parameter, header or body the service cannot accept (HTTP 400). */
public class InvalidRequest extends RequestRefused {

    public InvalidRequest(String detail) {
        super(detail);
    }
}
