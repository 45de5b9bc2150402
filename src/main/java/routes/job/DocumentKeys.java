package routes.job;

import routes.failure.InvalidRequest;

/**
 * A document key: the caller's stable name for the content a job holds (a path, a URL): jobs of one project with
 * the same key are versions of one document, and search sees only the newest completed one. At most 1,024
 * characters (code points), no control characters; null or empty is no key.
 */
public final class DocumentKeys {

    static final int MAX = 1024;

    private DocumentKeys() {
    }

    public static String require(String key) {
        if (key == null || key.isEmpty()) {
            return null;
        }
        if (key.isBlank()) {
            throw new InvalidRequest("Field 'document_key' must not be blank");
        }
        if (key.codePointCount(0, key.length()) > MAX) {
            throw new InvalidRequest("Field 'document_key' must be at most " + MAX + " characters");
        }
        if (key.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidRequest("Field 'document_key' must not contain control characters");
        }
        return key;
    }
}
