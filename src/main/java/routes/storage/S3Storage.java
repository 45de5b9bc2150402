package routes.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import routes.failure.PermanentFailure;

/**
 * The S3 storage backend (AWS, MinIO or any S3-compatible store; path-style addressing when an endpoint is set).
 * Files go up from disk, never through a byte array: one PUT up to the part size, a multipart upload above it.
 */
public final class S3Storage implements ObjectStore {

    static final long PART_SIZE = 16L * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String region;

    public S3Storage(S3Client s3, String bucket, String prefix, String region) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.region = region;
    }

    @Override
    public void check() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (RuntimeException e) {
            throw new StorageUnavailableException("bucket " + bucket + " cannot be reached: " + e.getMessage(), e);
        }
    }

    /** Creates the bucket if it is missing; us-east-1 takes no location constraint, every other region needs one. */
    public void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            createBucket();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new StorageUnavailableException("cannot reach bucket " + bucket + ": " + e.getMessage(), e);
            }
            createBucket();
        }
    }

    private void createBucket() {
        s3.createBucket(b -> {
            b.bucket(bucket);
            if (!"us-east-1".equals(region)) {
                b.createBucketConfiguration(CreateBucketConfiguration.builder()
                        .locationConstraint(BucketLocationConstraint.fromValue(region)).build());
            }
        });
    }

    @Override
    public StoredObject put(Path file, UUID projectId, UUID jobId, String fileName, String sha256) {
        String key = ObjectKeys.key(prefix, projectId, jobId, fileName);
        Map<String, String> metadata = Map.of("sha256", sha256,
                "original-filename", URLEncoder.encode(fileName, StandardCharsets.UTF_8));
        try {
            long size = Files.size(file);
            if (size <= PART_SIZE) {
                s3.putObject(b -> b.bucket(bucket).key(key).metadata(metadata), RequestBody.fromFile(file));
            } else {
                multipart(file, size, key, metadata);
            }
        } catch (IOException | UncheckedIOException e) {
            // the received file went away under us (its directory failed): the service's fault, not the client's
            throw new StorageUnavailableException("cannot read " + file + " to store it as " + key + ": "
                    + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StorageUnavailableException("cannot store " + key + " in bucket " + bucket + ": " + e.getMessage(), e);
        }
        return new StoredObject(key, "s3://" + bucket + "/" + key, null);
    }

    private void multipart(Path file, long size, String key, Map<String, String> metadata) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).metadata(metadata)).uploadId();
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += PART_SIZE, number++) {
                long length = Math.min(PART_SIZE, size - offset);
                int partNumber = number;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength(length), RequestBody.fromInputStream(new BoundedInput(in, length), length)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            // nothing half-written stays behind
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            throw e;
        }
    }

    @Override
    public void forEachOlderThan(java.time.Instant cutoff,
            java.util.function.BiConsumer<StoredObject, java.time.Instant> action) {
        String listed = prefix.isEmpty() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
        try {
            for (var object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listed)
                    .encodingType(software.amazon.awssdk.services.s3.model.EncodingType.URL)).contents()) {
                if (object.lastModified().isBefore(cutoff)) {
                    action.accept(new StoredObject(object.key(), "s3://" + bucket + "/" + object.key(), null),
                            object.lastModified());
                }
            }
        } catch (SdkException e) {
            throw new StorageUnavailableException("cannot list bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(StoredObject object) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
        } catch (SdkException e) {
            throw new StorageUnavailableException("cannot delete " + object.key() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean holds(String sourceUri) {
        return sourceUri != null && sourceUri.startsWith("s3://" + bucket + "/");
    }

    @Override
    public boolean exists(String sourceUri) {
        URI uri = URI.create(sourceUri);
        try {
            s3.headObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new StorageUnavailableException("cannot look up " + sourceUri + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StorageUnavailableException("cannot look up " + sourceUri + ": " + e.getMessage(), e);
        }
    }

    /** The bucket's name: s3:// sources must name it. */
    public String bucket() {
        return bucket;
    }

    @Override
    public LocalCopy fetch(String sourceUri, Path tempDir) {
        URI uri = URI.create(sourceUri);
        String key = uri.getPath().substring(1);
        Path target;
        try {
            Files.createDirectories(tempDir);
            target = Files.createTempFile(tempDir, "fetch-", ".part");
            Files.delete(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            s3.getObject(b -> b.bucket(uri.getHost()).key(key), ResponseTransformer.toFile(target));
            return new LocalCopy(target, true);
        } catch (NoSuchKeyException e) {
            throw new PermanentFailure("Source not found: " + sourceUri);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                e.addSuppressed(ignored);
            }
            // the worker waits (without using up the job's attempts) while the storage check fails too
            throw e instanceof SdkException ? new StorageUnavailableException("cannot read " + sourceUri + " from"
                    + " bucket " + bucket + ": " + e.getMessage(), e) : e;
        }
    }

    /** At most {@code remaining} bytes of a stream, without closing it: one part of a multipart upload. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInput(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the whole file's stream is closed by the caller
        }
    }
}
