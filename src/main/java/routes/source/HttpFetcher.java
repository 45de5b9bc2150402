package routes.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import routes.failure.PermanentFailure;

/**
 * Downloads an http(s) file source to a temporary file, within the upload size limit and timeouts. Redirects are
 * followed by hand, so that every hop is checked (its scheme here, its addresses by the {@link GuardedHttpClient} as
 * it connects). A source
 * that cannot succeed (refused address, 4xx, too large) is a permanent error; a timeout or a 5xx is transient and
 * retried.
 */
public final class HttpFetcher {

    private static final Pattern FILENAME = Pattern.compile("filename\\*?=\\s*(?:UTF-8'')?\"?([^\";]+)\"?",
            Pattern.CASE_INSENSITIVE);

    /** A downloaded file, with the name and type the server gave it. */
    public record Download(Path file, String fileName, String contentType, long size) {
    }

    private final AddressGuard guard;
    private final GuardedHttpClient client;
    private final long maxBytes;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxRedirects;

    public HttpFetcher(AddressGuard guard, GuardedHttpClient client, long maxBytes, Duration connectTimeout,
            Duration readTimeout, int maxRedirects) {
        this.guard = guard;
        this.client = client;
        this.maxBytes = maxBytes;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxRedirects = maxRedirects;
    }

    public Download download(String url, Path tempDir) {
        return download(url, tempDir, Checkpoint.NONE);
    }

    /** Downloads {@code url}, asking {@code checkpoint} between reads (a cancel, the stage's deadline). */
    public Download download(String url, Path tempDir, Checkpoint checkpoint) {
        URI current = URI.create(url);
        for (int hop = 0; hop <= maxRedirects; hop++) {
            String refused = guard.refusal(current).orElse(null);
            if (refused != null) {
                throw new PermanentFailure("Refused to fetch " + current + ": " + refused);
            }
            // the credentials of the URL the client gave go to its host only, never to where it redirects
            HttpUriRequestBase get;
            try {
                get = GuardedHttpClient.request("GET", hop == 0 ? current : GuardedHttpClient.withoutUserInfo(current));
            } catch (IllegalArgumentException e) {
                throw new PermanentFailure("Invalid URL " + current + ": " + e.getMessage());
            }
            get.setHeader("Accept-Encoding", "identity");
            try (ClassicHttpResponse response = client.open(get)) {
                int status = response.getCode();
                if (status >= 300 && status < 400 && status != 304) {
                    Header location = response.getFirstHeader("Location");
                    if (location == null) {
                        throw new PermanentFailure("HTTP " + status + " without a Location from " + current);
                    }
                    current = redirect(current, location.getValue());
                    continue;
                }
                if (status == 404 || status == 410) {
                    throw new PermanentFailure("Source not found: " + current + " (HTTP " + status + ")");
                }
                if (status == 408 || status == 429 || status >= 500) {
                    throw new IllegalStateException("HTTP " + status + " from " + current + "; will retry");
                }
                if (status < 200 || status >= 300) {
                    throw new PermanentFailure("Cannot fetch " + current + ": HTTP " + status);
                }
                HttpEntity entity = response.getEntity();
                long declared = entity == null ? 0 : entity.getContentLength();
                if (declared > maxBytes) {
                    throw tooLarge(current, declared);
                }
                Path file = save(entity, current, tempDir, checkpoint, get);
                String type = entity == null ? null : entity.getContentType();
                return new Download(file, fileName(response, current), type, Files.size(file));
            } catch (AddressGuard.Refused e) {
                // the name resolved to an internal address when the connection was made (DNS rebinding)
                throw new PermanentFailure("Refused to fetch " + current + ": " + e.getMessage());
            } catch (InterruptedIOException e) {
                throw new IllegalStateException("Timed out fetching " + current + " (connect "
                        + connectTimeout.toMillis() + " ms, read " + readTimeout.toMillis() + " ms); will retry", e);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot fetch " + current + ": " + e.getMessage(), e);
            }
        }
        throw new PermanentFailure("Too many redirects (more than " + maxRedirects + ") from " + url);
    }

    private static URI redirect(URI from, String location) {
        try {
            return from.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("HTTP redirect to an invalid Location from " + from + ": " + e.getMessage());
        }
    }

    /** Streams the body to a temporary file, refusing it as soon as it passes the limit. */
    private Path save(HttpEntity entity, URI url, Path tempDir, Checkpoint checkpoint, HttpUriRequestBase get)
            throws IOException {
        Files.createDirectories(tempDir);
        Path file = Files.createTempFile(tempDir, "fetch-", ".part");
        boolean kept = false;
        try (InputStream in = entity == null ? InputStream.nullInputStream() : entity.getContent();
                OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    checkpoint.check();
                    total += n;
                    if (total > maxBytes) {
                        throw tooLarge(url, total);
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | RuntimeException e) {
                // the body is abandoned: closing the stream normally would read the rest of it (all of an endless one)
                get.cancel();
                throw e;
            }
            kept = true;
            return file;
        } finally {
            if (!kept) {
                Files.deleteIfExists(file);
            }
        }
    }

    private PermanentFailure tooLarge(URI url, long bytes) {
        return new PermanentFailure("Source too large: " + url + " has more than " + maxBytes
                + " bytes (the limit is CORTEX_STORAGE_MAX_UPLOAD_MB; it sent " + bytes + ")");
    }

    private static String fileName(ClassicHttpResponse response, URI url) {
        Header disposition = response.getFirstHeader("Content-Disposition");
        if (disposition != null) {
            Matcher m = FILENAME.matcher(disposition.getValue());
            if (m.find()) {
                String raw = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
                String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
                if (!name.isBlank()) {
                    return name;
                }
            }
        }
        String path = url.getPath() == null ? "" : url.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isBlank() ? "index.html" : last;
    }
}
