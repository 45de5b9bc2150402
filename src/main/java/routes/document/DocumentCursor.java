package routes.document;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import routes.failure.InvalidRequest;

/**
 * The opaque {@code nextCursor} of a job's document listing: where the last document of a page sorts (the root of a
 * tree first, then by path, then by id). The next page starts strictly after it, so documents are neither skipped
 * nor repeated however large the job.
 */
public record DocumentCursor(int child, String path, UUID id) {

    private static final String VERSION = "d1|";

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (VERSION + child + "|" + id + "|" + path).getBytes(StandardCharsets.UTF_8));
    }

    /** The position to list after, or null (from the start) without a cursor. */
    public static DocumentCursor decode(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
            if (!raw.startsWith(VERSION)) {
                throw new IllegalArgumentException();
            }
            // the path goes last: it may hold the separator
            String[] parts = raw.substring(VERSION.length()).split("\\|", 3);
            int child = Integer.parseInt(parts[0]);
            if (child != 0 && child != 1) {
                throw new IllegalArgumentException();
            }
            return new DocumentCursor(child, parts[2], UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw new InvalidRequest("Invalid cursor: pass the nextCursor of a previous page unchanged");
        }
    }
}
