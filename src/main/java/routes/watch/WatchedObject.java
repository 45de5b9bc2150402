package routes.watch;

import java.time.Instant;

/** An object as a listing shows it: enough to decide about it before it is read. */
public record WatchedObject(String bucket, String key, String etag, long size, Instant lastModified) {

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }

    /** The URI as a log line shows it: control characters a key may hold escaped, so a key cannot forge lines. */
    public String shown() {
        StringBuilder out = new StringBuilder();
        uri().codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** The last key segment: the job's original file name. */
    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
