package routes.failure;

import java.util.List;

/**
 * A batch of job requests with items the service cannot accept (HTTP 400): each refused item by its index, and
 * nothing of the batch created.
 */
public final class InvalidBatch extends InvalidRequest {

    /** One refused item: its index in the request's {@code jobs} array, and why. */
    public record Item(int index, String detail) {
    }

    private final List<Item> items;

    public InvalidBatch(String detail, List<Item> items) {
        super(detail);
        this.items = List.copyOf(items);
    }

    public List<Item> items() {
        return items;
    }
}
