package routes.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.vertx.core.http.HttpServerRequest;
import routes.failure.InvalidRequest;
import routes.storage.ReceivedFile;
import routes.storage.Sha256;

/**
 * Streams the {@code file} part of a multipart request into a temporary file, hashing and counting bytes as they
 * arrive, so memory does not grow with the file and an oversized file is refused as soon as it passes the limit.
 * The raw body is parsed by {@link MultipartParser}.
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

    public ReceivedFile receive(HttpServerRequest request) {
        String boundary = MultipartParser.boundary(request.getHeader("Content-Type"));
        String length = request.getHeader("Content-Length");
        if (length != null && parseLong(length) > maxBytes + MULTIPART_OVERHEAD) {
            // Refuse before reading a byte: the client said how much it will send.
            throw tooLarge();
        }
        Reception reception = new Reception();
        MultipartParser parser = new MultipartParser(boundary, reception);
        request.handler(buffer -> {
            if (reception.done.isDone()) {
                return;
            }
            try {
                parser.feed(buffer.getBytes());
            } catch (RuntimeException e) {
                reception.fail(e);
            }
        });
        request.exceptionHandler(reception::fail);
        request.endHandler(v -> {
            try {
                parser.finish();
                reception.done.complete(null);
            } catch (RuntimeException e) {
                reception.fail(e);
            }
        });
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
            reception.discard();
            throw new InvalidRequest("Missing file part: send the file as multipart field 'file'");
        }
        try {
            sync(reception.file);
        } catch (RuntimeException e) {
            reception.discard();
            throw e;
        }
        String expected = reception.checksum == null ? null : reception.checksum.toString(StandardCharsets.UTF_8).trim();
        return new ReceivedFile(reception.file, reception.fileName, reception.declaredType, reception.size,
                Sha256.hex(reception.digest), expected == null || expected.isEmpty() ? null : expected);
    }

    /**
     * On disk before the job that refers to it is committed (the local backend keeps this very file). Here, on the
     * request's worker thread: an fsync of a large file must not stall the event loop.
     */
    private static void sync(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + file, e);
        }
    }

    private InvalidRequest tooLarge() {
        return new InvalidRequest("File too large: the limit is " + (maxBytes / (1024 * 1024)) + " MB (" + maxBytes + " bytes)");
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One request's reception: the first part named {@code file} goes to a temporary file, a {@code checksum} field
     * is kept, anything else is skipped. Its callbacks all run on the request's event-loop thread.
     */
    private final class Reception implements MultipartParser.Listener {
        private static final int MAX_FIELD = 1024;

        final CompletableFuture<Void> done = new CompletableFuture<>();
        final MessageDigest digest = Sha256.digest();
        Path file;
        FileChannel out;
        String fileName;
        String declaredType;
        long size;
        ByteArrayOutputStream checksum;
        /** Where the current part's bytes go: the file, the checksum field, or nowhere. */
        private Target target = Target.SKIP;

        private enum Target { FILE, CHECKSUM, SKIP }

        @Override
        public void partStart(String name, String partFileName, String contentType) {
            if ("file".equals(name) && file == null && partFileName != null) {
                try {
                    file = Files.createTempFile(tempDir, "upload-", ".part");
                    out = FileChannel.open(file, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                fileName = partFileName;
                declaredType = contentType;
                target = Target.FILE;
            } else if ("checksum".equals(name) && partFileName == null && checksum == null) {
                checksum = new ByteArrayOutputStream();
                target = Target.CHECKSUM;
            } else {
                target = Target.SKIP;
            }
        }

        @Override
        public void partData(byte[] bytes, int offset, int length) {
            switch (target) {
                case FILE -> {
                    size += length;
                    if (size > maxBytes) {
                        throw tooLarge();
                    }
                    digest.update(bytes, offset, length);
                    try {
                        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                        while (buffer.hasRemaining()) {
                            out.write(buffer);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                case CHECKSUM -> {
                    if (checksum.size() + length > MAX_FIELD) {
                        throw new InvalidRequest("Field 'checksum' is too long");
                    }
                    checksum.write(bytes, offset, length);
                }
                default -> {
                    // not a part we read
                }
            }
        }

        @Override
        public void partEnd() {
            if (target == Target.FILE) {
                close();
            }
            target = Target.SKIP;
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
