package routes.api;

import java.util.Map;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.DatabaseException;
import routes.failure.Conflict;
import routes.failure.InvalidRequest;
import routes.failure.NotFound;
import routes.failure.RequestRefused;
import routes.failure.Redaction;
import routes.storage.StorageUnavailableException;

/** Turns whatever a route threw into the status and {@code {"detail": ...}} body the client gets. */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    public Map<String, Object> reply(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        if (message.getBody() instanceof HttpServerRequest request && !request.isEnded()) {
            // The client is still sending a body we will not read (a 1 GiB upload over the limit, say): answer, then
            // close the connection rather than read the rest of it. Vert.x would keep it open for the rest.
            // Camel filters a Connection header out of the message, so it goes on the response itself: the client
            // must know not to send its next request on this connection.
            request.response().putHeader("Connection", "close");
            request.response().endHandler(ended -> request.connection().close());
        }
        int status;
        String detail;
        if (error instanceof ApiException api) {
            status = api.status();
            detail = api.getMessage();
        } else if (error instanceof RequestRefused refused) {
            status = statusOf(refused);
            detail = refused.getMessage();
        } else if (error instanceof StorageUnavailableException || error instanceof DatabaseException) {
            LOG.warn("Answering 503 for {} {}: {}", message.getHeader(Exchange.HTTP_METHOD),
                    message.getHeader(Exchange.HTTP_URI), error.getMessage());
            status = 503;
            // what the database or the store said stays in the log: SQL and bucket names are not the client's
            detail = error instanceof DatabaseException db
                    ? "Service temporarily unavailable: " + db.reason().words() + "; retry later"
                    : "Service temporarily unavailable: the object store is not answering; retry later";
        } else {
            LOG.error("Answering 500 for {} {}", message.getHeader(Exchange.HTTP_METHOD),
                    message.getHeader(Exchange.HTTP_URI), error);
            status = 500;
            detail = "Internal server error";
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        // a refusal may quote the source URL the client sent, user:token and all
        if (error instanceof routes.failure.InvalidBatch batch) {
            // which items were refused, by index, so the client can fix exactly those
            return Map.of("detail", Redaction.redact(detail), "errors", batch.items().stream()
                    .map(i -> Map.of("index", i.index(), "detail", Redaction.redact(i.detail()))).toList());
        }
        return Map.of("detail", Redaction.redact(detail));
    }

    /** The HTTP status of a refusal the domain made: the one place its kinds meet HTTP. */
    static int statusOf(RequestRefused refused) {
        if (refused instanceof NotFound) {
            return 404;
        }
        if (refused instanceof Conflict) {
            return 409;
        }
        if (refused instanceof InvalidRequest) {
            return 400;
        }
        throw new IllegalArgumentException("no HTTP status for " + refused.getClass().getName());
    }
}
