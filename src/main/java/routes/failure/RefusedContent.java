package routes.failure;

import java.util.Locale;

/**
 * Content refused for what it is (HTTP 400): too large, a type not allowed or not told, bytes that are not what was
 * declared, a checksum that does not match. Its reason is one word for the metrics and the watch's reason files,
 * which say what would make such content acceptable.
 */
public class RefusedContent extends InvalidRequest {

    /** Why content was refused. */
    public enum Reason {
        TOO_LARGE, TYPE, MISMATCH, CHECKSUM;

        /** The metric label: too_large, type, mismatch, checksum. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public RefusedContent(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
