package routes.watch;

import routes.failure.RefusedContent;

/**
 * An object that breaks a rule of the watch or of uploads: moved to the rejected prefix with a reason file, and no
 * job. {@code setting} names what an operator would change to accept such objects, null where no setting would;
 * {@code remedy} says what would make the object acceptable, in words.
 */
public class ObjectRejected extends RuntimeException {

    private final String setting;
    private final String remedy;

    public ObjectRejected(String reason, String setting, String remedy) {
        super(reason, null, false, false);
        this.setting = setting;
        this.remedy = remedy;
    }

    /** Content refused as an upload would be, with the setting and remedy of its reason. */
    static ObjectRejected of(RefusedContent refused) {
        String reason = refused.getMessage();
        return switch (refused.reason()) {
            case TOO_LARGE -> new ObjectRejected(reason, "CORTEX_STORAGE_MAX_UPLOAD_MB",
                    "drop a smaller file, or raise CORTEX_STORAGE_MAX_UPLOAD_MB");
            case TYPE -> reason.startsWith("Unsupported content type")
                    ? new ObjectRejected(reason, "CORTEX_STORAGE_ALLOWED_CONTENT_TYPES",
                            "drop a file of an allowed type, or allow this type with"
                                    + " CORTEX_STORAGE_ALLOWED_CONTENT_TYPES")
                    : new ObjectRejected(reason, null,
                            "put the object again with its Content-Type, or with a file extension that names it");
            case MISMATCH -> new ObjectRejected(reason, null, "put the object again with the Content-Type its bytes"
                    + " have, or with none (the service then takes the type it detects)");
            case CHECKSUM -> new ObjectRejected(reason, null, "put the object again: its bytes changed on the way");
        };
    }

    public String setting() {
        return setting;
    }

    public String remedy() {
        return remedy;
    }
}
