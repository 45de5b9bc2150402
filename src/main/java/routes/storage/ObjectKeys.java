package routes.storage;

import java.util.Optional;
import java.util.UUID;

/** Object keys: {@code <prefix>/<project_id>/<job_id>/<sanitized file name>}. */
public final class ObjectKeys {

    static final int MAX_NAME = 120;

    private ObjectKeys() {
    }

    public static String key(String prefix, UUID projectId, UUID jobId, String fileName) {
        String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        return (p.isEmpty() ? "" : p + "/") + projectId + "/" + jobId + "/" + sanitize(fileName);
    }

    /** The project whose folder a key is in ({@code <prefix>/<project_id>/...}); empty when it is in none. */
    public static Optional<UUID> projectOf(String prefix, String key) {
        String underPrefix = prefix.isEmpty() ? key
                : key.startsWith(prefix + "/") ? key.substring(prefix.length() + 1) : null;
        if (underPrefix == null) {
            return Optional.empty();
        }
        String segment = underPrefix.split("/", 2)[0];
        if (segment.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(segment));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A file name safe as one key segment and one file name: the last path segment only, no control characters,
     * no separators, no leading dots (so never {@code ..}), at most {@value #MAX_NAME} characters with the
     * extension kept.
     */
    public static String sanitize(String fileName) {
        String name = fileName == null ? "" : fileName;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp) || cp == '.' || cp == '-' || cp == '_') {
                out.appendCodePoint(cp);
            } else if (!Character.isISOControl(cp)) {
                out.append('_');
            }
        });
        String clean = out.toString().replaceAll("^[._]+", "").replaceAll("_{2,}", "_");
        if (clean.isEmpty()) {
            clean = "upload";
        }
        if (clean.length() > MAX_NAME) {
            int dot = clean.lastIndexOf('.');
            String ext = dot > 0 && clean.length() - dot <= 16 ? clean.substring(dot) : "";
            clean = clean.substring(0, MAX_NAME - ext.length()) + ext;
        }
        return clean;
    }
}
