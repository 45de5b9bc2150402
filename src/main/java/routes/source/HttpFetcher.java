package routes.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import routes.failure.PermanentFailure;

/**
 * Downloads an http(s) file source to a temporary file, within the upload size limit and timeouts. Redirects are
 * followed by hand, so that every hop is checked by the {@link AddressGuard} before it is connected to. A source
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
    private final long maxBytes;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxRedirects;

    public HttpFetcher(AddressGuard guard, long maxBytes, Duration connectTimeout, Duration readTimeout, int maxRedirects) {
        this.guard = guard;
        this.maxBytes = maxBytes;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxRedirects = maxRedirects;
    }

    public Download download(String url, Path tempDir) {
        URI current = URI.create(url);
        for (int hop = 0; hop <= maxRedirects; hop++) {
            String refused = guard.refusal(current).orElse(null);
            if (refused != null) {
                throw new PermanentFailure("Refused to fetch " + current + ": " + refused);
            }
            HttpURLConnection connection = open(current);
            try {
                int status = connection.getResponseCode();
                if (status >= 300 && status < 400 && status != 304) {
                    String location = connection.getHeaderField("Location");
                    if (location == null) {
                        throw new PermanentFailure("HTTP " + status + " without a Location from " + current);
                    }
                    current = current.resolve(location.trim());
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
                long declared = connection.getContentLengthLong();
                if (declared > maxBytes) {
                    throw tooLarge(current, declared);
                }
                Path file = save(connection, current, tempDir);
                try {
                    return new Download(file, fileName(connection, current), connection.getContentType(), Files.size(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("Timed out fetching " + current + " (connect "
                        + connectTimeout.toMillis() + " ms, read " + readTimeout.toMillis() + " ms); will retry", e);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot fetch " + current + ": " + e.getMessage(), e);
            } finally {
                connection.disconnect();
            }
        }
        throw new PermanentFailure("Too many redirects (more than " + maxRedirects + ") from " + url);
    }

    private HttpURLConnection open(URI url) {
        try {
            HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) readTimeout.toMillis());
            c.setRequestProperty("User-Agent", "cortex-ingest");
            c.setRequestProperty("Accept-Encoding", "identity");
            return c;
        } catch (IOException | IllegalArgumentException e) {
            throw new PermanentFailure("Cannot fetch " + url + ": " + e.getMessage());
        }
    }

    /** Streams the body to a temporary file, refusing it as soon as it passes the limit. */
    private Path save(HttpURLConnection connection, URI url, Path tempDir) throws IOException {
        Files.createDirectories(tempDir);
        Path file = Files.createTempFile(tempDir, "fetch-", ".part");
        boolean kept = false;
        try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(url, total);
                }
                out.write(buffer, 0, n);
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

    private static String fileName(HttpURLConnection connection, URI url) {
        String disposition = connection.getHeaderField("Content-Disposition");
        if (disposition != null) {
            Matcher m = FILENAME.matcher(disposition);
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
