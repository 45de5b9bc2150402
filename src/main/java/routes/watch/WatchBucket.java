package routes.watch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import routes.failure.RefusedContent;
import routes.storage.ReceivedFile;
import routes.storage.Sha256;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The watched bucket: complete listings, one streamed read per object, and the after-read moves. */
public final class WatchBucket {

    private final S3Client s3;
    private final String bucket;

    public WatchBucket(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String name() {
        return bucket;
    }

    /**
     * Every object under {@code prefix}, all pages. Any failure throws: a partial listing is never taken for the
     * bucket's content (a missing page is not a set of deleted objects).
     */
    public List<WatchedObject> list(String prefix) {
        List<WatchedObject> objects = new ArrayList<>();
        // URL-encoded keys (the SDK decodes them): a key holding a character XML 1.0 cannot carry (U+0001, say) is
        // legal in S3, and listed raw it makes the whole listing unparseable, which stopped every project's watch.
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)
                .encodingType(EncodingType.URL)).contents()) {
            objects.add(new WatchedObject(bucket, o.key(), unquoted(o.eTag()), o.size(), o.lastModified()));
        }
        return objects;
    }

    /** A read of an object that no longer is what was listed (overwritten or removed in between). */
    public static final class ObjectChanged extends RuntimeException {
        ObjectChanged(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads the object once into a temporary file, computing its SHA-256 and size as it streams, refusing more than
     * {@code maxBytes}. The read must be of the listed version (same ETag), or {@link ObjectChanged} is thrown.
     */
    public ReceivedFile read(WatchedObject object, long maxBytes, Path tempDir) {
        Path temp = null;
        try {
            Files.createDirectories(tempDir);
            temp = Files.createTempFile(tempDir, "watch-", ".part");
            MessageDigest digest = Sha256.digest();
            long size;
            String declared;
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(object.key())
                    .ifMatch(quoted(object.etag())));
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                if (in.response().eTag() != null && !unquoted(in.response().eTag()).equals(object.etag())) {
                    throw new ObjectChanged("object " + object.uri() + " changed since it was listed");
                }
                declared = in.response().contentType();
                size = copy(in, out, maxBytes, object);
            }
            return new ReceivedFile(temp, object.fileName(), declared, size, Sha256.hex(digest), null);
        } catch (NoSuchKeyException e) {
            deleteQuietly(temp);
            throw new ObjectChanged("object " + object.uri() + " is gone");
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            deleteQuietly(temp);
            if (e.statusCode() == 412) {
                throw new ObjectChanged("object " + object.uri() + " changed since it was listed");
            }
            throw e;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static long copy(InputStream in, OutputStream out, long maxBytes, WatchedObject object) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new RefusedContent(RefusedContent.Reason.TOO_LARGE, "Object too large: more than " + maxBytes
                        + " bytes (" + object.uri() + ")");
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    /**
     * Moves an object without ever losing it: copy, check the copy (size, and ETag where the source's is a plain
     * MD5), then delete the source. A source already gone (an earlier move got that far) is fine when the copy exists.
     */
    public void move(String from, String to) {
        HeadObjectResponse source;
        try {
            source = s3.headObject(b -> b.bucket(bucket).key(from));
        } catch (NoSuchKeyException e) {
            s3.headObject(b -> b.bucket(bucket).key(to));
            return;
        }
        s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(from).destinationBucket(bucket).destinationKey(to));
        HeadObjectResponse copy = s3.headObject(b -> b.bucket(bucket).key(to));
        boolean plainEtag = source.eTag() != null && !source.eTag().contains("-");
        if (!copy.contentLength().equals(source.contentLength())
                || (plainEtag && !unquoted(source.eTag()).equals(unquoted(copy.eTag())))) {
            throw new IllegalStateException("the copy of " + from + " at " + to + " does not match it; source kept");
        }
        s3.deleteObject(b -> b.bucket(bucket).key(from));
    }

    /**
     * Whether a failure means S3 is out of reach (refused, timed out, no answer), not that one object is wrong: a
     * client-side SDK error carrying an I/O error, anywhere in the chain of causes.
     */
    public static boolean unreachable(Throwable error) {
        boolean sdkClient = false;
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            sdkClient |= e instanceof software.amazon.awssdk.core.exception.SdkClientException;
            if (sdkClient && e instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    public void putJson(String key, String json) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
                RequestBody.fromString(json, StandardCharsets.UTF_8));
    }

    private static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    private static String quoted(String etag) {
        return "\"" + etag + "\"";
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the temporary directory is the service's own; a left-over is removed with it
            }
        }
    }
}
