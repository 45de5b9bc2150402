package routes.document;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import routes.failure.InvalidRequest;

/** The opaque {@code nextCursor} of a chunk listing: the ordinal of the last chunk of a page. */
public final class ChunkCursor {

    private static final String VERSION = "c1|";

    private ChunkCursor() {
    }

    public static String encode(int ordinal) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + ordinal).getBytes(StandardCharsets.UTF_8));
    }

    /** The ordinal to list after: -1 (from the start) without a cursor. */
    public static int decode(String token) {
        if (token == null || token.isBlank()) {
            return -1;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
            if (!raw.startsWith(VERSION)) {
                throw new IllegalArgumentException();
            }
            int ordinal = Integer.parseInt(raw.substring(VERSION.length()));
            if (ordinal < 0) {
                throw new IllegalArgumentException();
            }
            return ordinal;
        } catch (RuntimeException e) {
            throw new InvalidRequest("Invalid cursor: pass the nextCursor of a previous page unchanged");
        }
    }
}
