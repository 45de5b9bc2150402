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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.failure.InvalidRequest;
import routes.failure.RefusedContent;
import routes.storage.ContentTypes;
import routes.storage.ObjectKeys;
import routes.storage.ReceivedFile;
import routes.storage.Sha256;
import routes.storage.StorageUnavailableException;

/**
 * Streams the {@code file} part of a multipart upload into a temporary file, hashing and counting bytes as they
 * arrive, so memory does not grow with the file and an oversized upload is refused as soon as it passes the limit.
 * It runs as a Vert.x handler on the event loop, ahead of the job-upload route: the route (on a worker thread) starts
 * only once the whole body is on disk, so a slow or stalled client holds no worker thread, and a body that sends
 * nothing for {@code idleTimeout} is answered 408 and its connection closed. The whole body counts towards the limit
 * (preamble, every part and epilogue), not the file part alone. The raw body is parsed by {@link MultipartParser}.
 */
public final class MultipartReceiver implements StartupListener {

    /** The job-upload route's path, in Vert.x's form. */
    private static final String UPLOAD_PATH = "/api/projects/:project_id/ingest/upload";

    /** Room for boundaries, part headers and small form fields around the file. */
    static final long MULTIPART_OVERHEAD = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MultipartReceiver.class);

    private final Path tempDir;
    private final long maxBytes;
    private final long idleTimeoutMillis;
    private final JobApi.Uploads uploads;
    /** Bodies received, waiting for their route; what a route does not take is removed when the answer ends. */
    private final Map<HttpServerRequest, Reception> received = new ConcurrentHashMap<>();

    public MultipartReceiver(Path tempDir, long maxBytes, Duration idleTimeout, JobApi.Uploads uploads) {
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.uploads = uploads;
        try {
            Files.createDirectories(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the temporary upload directory " + tempDir, e);
        }
    }

    /** Ahead of the route (order), after the gate, the request id and CORS ({@link HttpGate}, orders -1000 to -998). */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            router.post(UPLOAD_PATH).order(-900).handler(this::handle);
        }
    }

    /** Receives the body, then passes the request on to the route; answers a bad or stalled body itself. */
    public void handle(RoutingContext ctx) {
        // The registry holds the platform router under two names (two wrappers of one router): run once.
        if (ctx.get(MultipartReceiver.class.getName()) != null) {
            ctx.next();
            return;
        }
        ctx.put(MultipartReceiver.class.getName(), Boolean.TRUE);
        HttpServerRequest request = ctx.request();
        Reception reception = new Reception();
        MultipartParser parser;
        try {
            parser = new MultipartParser(MultipartParser.boundary(request.getHeader("Content-Type")), reception);
            String length = request.getHeader("Content-Length");
            if (length != null && parseLong(length) > maxBytes + MULTIPART_OVERHEAD) {
                // Refuse before reading a byte: the client said how much it will send.
                throw tooLarge();
            }
        } catch (RuntimeException e) {
            refuse(ctx, reception, e);
            return;
        }
        long[] lastActivity = {System.nanoTime()};
        long timer = ctx.vertx().setPeriodic(Math.max(100, idleTimeoutMillis / 4), id -> {
            if (System.nanoTime() - lastActivity[0] > idleTimeoutMillis * 1_000_000L && !reception.finished) {
                refuse(ctx, reception, new ApiException(408, "Upload stalled: nothing arrived for "
                        + idleTimeoutMillis + " ms (CORTEX_HTTP_UPLOAD_IDLE_TIMEOUT_MS); send the file again"));
            }
        });
        ctx.addEndHandler(ended -> {
            ctx.vertx().cancelTimer(timer);
            Reception left = received.remove(request);
            if (left != null) {
                left.discard(); // the route did not take it (it failed before): nothing stays behind
            }
        });
        request.handler(buffer -> {
            if (reception.finished) {
                return;
            }
            lastActivity[0] = System.nanoTime();
            reception.total += buffer.length();
            try {
                if (reception.total > maxBytes + MULTIPART_OVERHEAD) {
                    // a small file inside a huge preamble, form field or epilogue: the body counts, not the part
                    throw new RefusedContent(RefusedContent.Reason.TOO_LARGE, "Upload too large: the body may hold the file (at most "
                            + (maxBytes / (1024 * 1024)) + " MB) and " + MULTIPART_OVERHEAD / 1024
                            + " KB of boundaries and fields");
                }
                parser.feed(buffer.getBytes());
            } catch (RuntimeException e) {
                refuse(ctx, reception, e);
            }
        });
        request.exceptionHandler(error -> {
            if (!reception.finished) {
                reception.finished = true;
                reception.discard();
                LOG.debug("Upload ended by the connection: {}", error.toString());
            }
        });
        request.endHandler(v -> {
            if (reception.finished || ctx.response().ended()) {
                // answered already (refused, or shutting down): nothing of it is kept
                reception.finished = true;
                reception.discard();
                return;
            }
            try {
                parser.finish();
                reception.close();
                if (reception.file == null) {
                    throw new InvalidRequest("Missing file part: send the file as multipart field 'file'");
                }
                if (reception.size == 0) {
                    throw new InvalidRequest("File is empty: there is nothing to ingest");
                }
            } catch (RuntimeException e) {
                refuse(ctx, reception, e);
                return;
            }
            reception.finished = true;
            received.put(request, reception);
            ctx.next();
        });
        request.resume();
    }

    /** Answers a refused body with its JSON error and closes the connection if the client is still sending. */
    private void refuse(RoutingContext ctx, Reception reception, RuntimeException error) {
        reception.finished = true;
        reception.discard();
        int status;
        if (error instanceof ApiException api) {
            status = api.status();
        } else if (error instanceof InvalidRequest) {
            status = 400;
        } else if (error instanceof StorageUnavailableException) {
            LOG.warn("Answering 503 for an upload: {}", error.getMessage());
            HttpErrorPages.refuse(ctx, 503, "Service temporarily unavailable: the upload directory cannot be written;"
                    + " retry later");
            return;
        } else {
            LOG.error("Answering 500 for an upload", error);
            status = 500;
        }
        if (status == 400) {
            uploads.rejected(JobApi.Uploads.reason(error));
        } else if (status == 408) {
            uploads.rejected("stalled");
        }
        HttpErrorPages.refuse(ctx, status, status == 500 ? "Internal server error" : error.getMessage());
    }

    /** The body the handler received for this request, on disk and synced; the caller owns the file from now. */
    public ReceivedFile receive(HttpServerRequest request) {
        Reception reception = received.remove(request);
        if (reception == null) {
            throw new IllegalStateException("the upload was not received ahead of the route");
        }
        try {
            sync(reception.file);
        } catch (RuntimeException e) {
            reception.discard();
            throw e;
        }
        String expected = reception.field("checksum");
        return new ReceivedFile(reception.file, reception.fileName, reception.declaredType, reception.size,
                Sha256.hex(reception.digest), expected == null || expected.isEmpty() ? null : expected,
                reception.field("document_key"));
    }

    /**
     * On disk before the job that refers to it is committed (the local backend keeps this very file). Here, on the
     * request's worker thread: an fsync of a large file must not stall the event loop.
     */
    private static void sync(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new StorageUnavailableException("cannot sync " + file + ": " + e.getMessage(), e);
        }
    }

    /** The upload directory failed under us (gone, full, replaced): the service's fault, answered 503. */
    private StorageUnavailableException unwritable(IOException e) {
        return new StorageUnavailableException("the upload directory " + tempDir + " cannot be written: "
                + e.getMessage(), e);
    }

    private InvalidRequest tooLarge() {
        return new RefusedContent(RefusedContent.Reason.TOO_LARGE, "File too large: the limit is "
                + (maxBytes / (1024 * 1024)) + " MB (" + maxBytes + " bytes)");
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
        /** A field's bytes at most: a document key of 1,024 characters of four bytes each. */
        private static final int MAX_FIELD = 4096;
        private static final java.util.Set<String> FIELDS = java.util.Set.of("checksum", "document_key");

        /**
         * A text field as sent (UTF-8, strictly: a byte that is not is a 400 naming the field), or null. The checksum
         * is trimmed (hex digits around whitespace); a document key is kept exactly, and checked as the JSON routes
         * check it.
         */
        String field(String name) {
            ByteArrayOutputStream bytes = fields.get(name);
            if (bytes == null) {
                return null;
            }
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
                return name.equals("checksum") ? text.trim() : text;
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new InvalidRequest("Field '" + name + "' is not valid UTF-8: send text fields as UTF-8");
            }
        }

        final MessageDigest digest = Sha256.digest();
        /** Answered or handed on: later bytes and events are ignored. */
        boolean finished;
        /** Every byte of the body, parts and boundaries. */
        long total;
        Path file;
        FileChannel out;
        String fileName;
        String declaredType;
        long size;
        /** The form's text fields the upload takes, by name: checksum, document_key. */
        final Map<String, ByteArrayOutputStream> fields = new java.util.HashMap<>();
        private ByteArrayOutputStream field;
        private String fieldName;
        /** Where the current part's bytes go: the file, a text field, or nowhere. */
        private Target target = Target.SKIP;

        private enum Target { FILE, FIELD, SKIP }

        @Override
        public void partStart(String name, String partFileName, String contentType) {
            if ("file".equals(name) && file != null) {
                throw new InvalidRequest("One file per request: this request has a second 'file' part (send each"
                        + " file in a request of its own)");
            }
            if ("file".equals(name)) {
                String given = ObjectKeys.clientFileName(partFileName);
                if (contentType != null && contentType.length() > 255) {
                    throw new InvalidRequest("The file part's Content-Type is too long (at most 255 characters)");
                }
                try {
                    Files.createDirectories(tempDir);
                    file = Files.createTempFile(tempDir, "upload-", ".part");
                    out = FileChannel.open(file, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw unwritable(e);
                }
                // a part without a name is named by its type: upload.txt, upload.pdf ...
                fileName = given != null ? given : ContentTypes.nameFor(contentType);
                declaredType = contentType;
                target = Target.FILE;
            } else if (FIELDS.contains(name) && partFileName == null && !fields.containsKey(name)) {
                field = new ByteArrayOutputStream();
                fieldName = name;
                fields.put(name, field);
                target = Target.FIELD;
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
                        throw unwritable(e);
                    }
                }
                case FIELD -> {
                    if (field.size() + length > MAX_FIELD) {
                        throw new InvalidRequest("Field '" + fieldName + "' is too long");
                    }
                    field.write(bytes, offset, length);
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

        void close() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    throw unwritable(e);
                } finally {
                    out = null;
                }
            }
        }

        /** A reception that did not produce an accepted file leaves nothing behind. */
        void discard() {
            try {
                close();
            } catch (StorageUnavailableException e) {
                LOG.debug("Closing a refused upload: {}", e.toString());
            }
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Cannot remove the refused upload {}: {}", file, e.toString());
                }
            }
        }
    }
}
