package routes.watch;

import java.time.Instant;

/** An object as a listing shows it: enough to decide about it before it is read. */
public record WatchedObject(String bucket, String key, String etag, long size, Instant lastModified) {

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }

    /** The last key segment: the job's original file name. */
    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
