package routes.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import routes.api.ApiException;

/**
 * Streams the {@code file} part of a multipart request into a temporary file, hashing and counting bytes as they
 * arrive, so memory does not grow with the file and an oversized file is refused as soon as it passes the limit.
 * The request comes paused from platform-http ({@code useBodyHandler=false}); this class resumes it.
 */
public final class MultipartReceiver {

    /** Room for boundaries, part headers and small form fields around the file. */
    static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final Path tempDir;
    private final long maxBytes;

    public MultipartReceiver(Path tempDir, long maxBytes) {
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the temporary upload directory " + tempDir, e);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    public ReceivedFile receive(HttpServerRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            throw ApiException.badRequest("Upload must be multipart/form-data with a file part named 'file'");
        }
        String length = request.getHeader("Content-Length");
        if (length != null && parseLong(length) > maxBytes + MULTIPART_OVERHEAD) {
            // Refuse before reading a byte: the client said how much it will send.
            throw tooLarge();
        }
        Reception reception = new Reception();
        request.setExpectMultipart(true);
        request.uploadHandler(reception::onPart);
        request.exceptionHandler(reception::fail);
        request.endHandler(v -> reception.done.complete(null));
        request.resume();
        try {
            reception.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reception.discard();
            throw new IllegalStateException("interrupted while receiving an upload", e);
        } catch (ExecutionException e) {
            reception.discard();
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("upload failed: " + e.getCause().getMessage(), e.getCause());
        }
        if (reception.file == null) {
            throw ApiException.badRequest("Missing file part: send the file as multipart field 'file'");
        }
        String expected = request.getFormAttribute("checksum");
        return new ReceivedFile(reception.file, reception.fileName, reception.declaredType, reception.size,
                Sha256.hex(reception.digest), expected == null || expected.isBlank() ? null : expected.trim());
    }

    private ApiException tooLarge() {
        return ApiException.badRequest("File too large: the limit is " + (maxBytes / (1024 * 1024)) + " MB (" + maxBytes + " bytes)");
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The state of one request's reception; its callbacks all run on the request's event-loop thread. */
    private final class Reception {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final MessageDigest digest = Sha256.digest();
        Path file;
        OutputStream out;
        String fileName;
        String declaredType;
        long size;

        void onPart(HttpServerFileUpload part) {
            if (!"file".equals(part.name()) || file != null || done.isDone()) {
                part.handler(ignored -> { });
                return;
            }
            try {
                file = Files.createTempFile(tempDir, "upload-", ".part");
                out = Files.newOutputStream(file);
            } catch (IOException e) {
                fail(e);
                return;
            }
            fileName = part.filename();
            declaredType = part.contentType();
            part.handler(buffer -> {
                if (done.isDone()) {
                    return;
                }
                size += buffer.length();
                if (size > maxBytes) {
                    fail(tooLarge());
                    return;
                }
                byte[] bytes = buffer.getBytes();
                digest.update(bytes);
                try {
                    out.write(bytes);
                } catch (IOException e) {
                    fail(e);
                }
            });
            part.endHandler(v -> close());
            part.exceptionHandler(this::fail);
        }

        void fail(Throwable error) {
            close();
            done.completeExceptionally(error);
        }

        void close() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    done.completeExceptionally(e);
                }
                out = null;
            }
        }

        /** A reception that did not produce an accepted file leaves nothing behind. */
        void discard() {
            close();
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
