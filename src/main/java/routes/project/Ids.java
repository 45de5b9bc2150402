package routes.project;

import java.util.Optional;
import java.util.UUID;

/** Ids in paths and bodies are UUIDs; anything else names nothing (404), rather than being an error of ours. */
public final class Ids {

    private Ids() {
    }

    public static Optional<UUID> parse(String value) {
        if (value == null || value.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
