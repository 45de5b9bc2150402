package routes.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import routes.failure.InvalidRequest;

/**
 * The opaque {@code nextCursor}: the (created_at, id) of the last job of a page. The next page starts strictly after
 * it in listing order, so jobs created meanwhile (which sort before it) never shift what remains to be walked.
 */
public record JobCursor(Instant createdAt, UUID id) {

    private static final String VERSION = "v1";
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    public String encode() {
        String raw = VERSION + "|" + createdAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static JobCursor decode(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|");
            if (parts.length != 3 || !VERSION.equals(parts[0])) {
                throw new IllegalArgumentException();
            }
            Instant createdAt = Instant.parse(parts[1]);
            // a forged far-past or far-future instant would overflow the database's timestamp type
            if (createdAt.isBefore(Instant.EPOCH) || createdAt.isAfter(LATEST)) {
                throw new IllegalArgumentException();
            }
            return new JobCursor(createdAt, UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw new InvalidRequest("Invalid cursor: pass the nextCursor of a previous page unchanged");
        }
    }
}
