package routes.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;

/**
 * JGit's http transport over the {@link GuardedHttpClient}. JGit follows redirects itself (each hop is a new
 * connection from this factory) and fetches further URLs for dumb repositories; every one of them connects only to
 * addresses the guard checked. Left to its default (the JDK's HttpURLConnection), JGit would follow the redirect of
 * a public server into the internal network, and resolve the host again after the guard did.
 */
final class GitHttpConnections implements HttpConnectionFactory {

    private final GuardedHttpClient client;
    private final Budget budget;

    GitHttpConnections(GuardedHttpClient client) {
        this(client, null);
    }

    private GitHttpConnections(GuardedHttpClient client, Budget budget) {
        this.client = client;
        this.budget = budget;
    }

    /**
     * What one clone may read: at most {@code maxBytes} over all its requests, with {@code checkpoint} asked between
     * reads. A stop is remembered in {@link Budget#stop()}: JGit wraps whatever a read throws.
     */
    GitHttpConnections forClone(long maxBytes, Checkpoint checkpoint) {
        return new GitHttpConnections(client, new Budget(maxBytes, checkpoint));
    }

    Budget budget() {
        return budget;
    }

    /** The bytes a clone has read, its limit, and why it was stopped (null: it was not). */
    static final class Budget {
        final long maxBytes;
        final Checkpoint checkpoint;
        final java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        volatile RuntimeException stop;

        Budget(long maxBytes, Checkpoint checkpoint) {
            this.maxBytes = maxBytes;
            this.checkpoint = checkpoint;
        }

        RuntimeException stop() {
            return stop;
        }

        void count(long n) throws IOException {
            try {
                checkpoint.check();
            } catch (RuntimeException e) {
                stop = e;
                throw new IOException("stopped: " + e.getMessage(), e);
            }
            if (read.addAndGet(n) > maxBytes) {
                stop = new routes.failure.PermanentFailure("The repository sends more than " + maxBytes
                        + " bytes (the limit is CORTEX_GIT_MAX_CLONE_MB)");
                throw new IOException(stop.getMessage());
            }
        }
    }

    @Override
    public HttpConnection create(URL url) {
        return new Connection(client, url, budget);
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) {
        // a proxy would resolve the host out of the guard's sight: never used for sources
        return new Connection(client, url, budget);
    }

    /** One request: its headers and body are gathered, then sent when JGit first asks for the answer. */
    private static final class Connection implements HttpConnection {

        private static final java.util.Set<String> FRAMING = java.util.Set.of("content-length", "transfer-encoding",
                "host", "connection");

        private final GuardedHttpClient client;
        private final URL url;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String method = "GET";
        private ByteArrayOutputStream body;
        private ClassicHttpResponse response;
        private HttpUriRequestBase request;
        private int readTimeoutMillis;
        private final Budget budget;

        Connection(GuardedHttpClient client, URL url, Budget budget) {
            this.client = client;
            this.url = url;
            this.budget = budget;
        }

        @Override
        public void connect() throws IOException {
            if (response != null) {
                return;
            }
            try {
                request = GuardedHttpClient.request(method, url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("Invalid URL " + url + ": " + e.getMessage(), e);
            }
            // framing and routing headers are the client's to write from the request itself
            headers.forEach((name, value) -> {
                if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                    request.setHeader(name, value);
                }
            });
            if (body != null) {
                String type = headers.getOrDefault("Content-Type", "application/octet-stream");
                request.setEntity(new ByteArrayEntity(body.toByteArray(), ContentType.parse(type)));
            }
            if (readTimeoutMillis > 0) {
                request.setConfig(RequestConfig.custom().setRedirectsEnabled(false)
                        .setResponseTimeout(Timeout.ofMilliseconds(readTimeoutMillis)).build());
            }
            response = client.open(request);
        }

        @Override
        public int getResponseCode() throws IOException {
            connect();
            return response.getCode();
        }

        @Override
        public String getResponseMessage() throws IOException {
            connect();
            return response.getReasonPhrase();
        }

        @Override
        public URL getURL() {
            return url;
        }

        @Override
        public Map<String, List<String>> getHeaderFields() {
            Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (response != null) {
                for (Header h : response.getHeaders()) {
                    fields.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
                }
            }
            return fields;
        }

        @Override
        public List<String> getHeaderFields(String name) {
            return getHeaderFields().getOrDefault(name, List.of());
        }

        @Override
        public String getHeaderField(String name) {
            Header h = response == null ? null : response.getFirstHeader(name);
            return h == null ? null : h.getValue();
        }

        @Override
        public String getContentType() {
            HttpEntity entity = response == null ? null : response.getEntity();
            return entity == null ? getHeaderField("Content-Type") : entity.getContentType();
        }

        @Override
        public int getContentLength() {
            HttpEntity entity = response == null ? null : response.getEntity();
            long length = entity == null ? -1 : entity.getContentLength();
            return length > Integer.MAX_VALUE ? -1 : (int) length;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            connect();
            HttpEntity entity = response.getEntity();
            InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
            // closing the stream releases the connection (JGit closes what it reads)
            return new java.io.FilterInputStream(content) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0 && budget != null) {
                        budget.count(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    int n = super.read(buffer, off, len);
                    if (n > 0 && budget != null) {
                        budget.count(n);
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    if (budget != null && budget.stop() != null) {
                        // stopped mid-body: a normal close would read the rest of it first
                        request.cancel();
                    }
                    try {
                        super.close();
                    } finally {
                        response.close();
                    }
                }
            };
        }

        @Override
        public OutputStream getOutputStream() {
            if (body == null) {
                body = new ByteArrayOutputStream();
            }
            return body;
        }

        @Override
        public void setRequestProperty(String key, String value) {
            headers.put(key, value);
        }

        @Override
        public void setRequestMethod(String method) {
            this.method = method.toUpperCase(Locale.ROOT);
        }

        @Override
        public String getRequestMethod() {
            return method;
        }

        @Override
        public void setDoOutput(boolean dooutput) {
            if (dooutput && body == null) {
                body = new ByteArrayOutputStream();
            }
        }

        // The client's connect timeout (CORTEX_FETCH_CONNECT_TIMEOUT_MS) and redirect policy apply.
        @Override
        public void setUseCaches(boolean usecaches) {
        }

        @Override
        public void setConnectTimeout(int timeout) {
        }

        @Override
        public void setReadTimeout(int timeout) {
            // JGit's own timeout (CORTEX_GIT_CLONE_TIMEOUT_SECONDS) for each read of the answer
            readTimeoutMillis = timeout;
        }

        @Override
        public void setInstanceFollowRedirects(boolean followRedirects) {
        }

        @Override
        public void setFixedLengthStreamingMode(int contentLength) {
        }

        @Override
        public void setChunkedStreamingMode(int chunklen) {
        }

        @Override
        public boolean usingProxy() {
            return false;
        }

        // Only asked for when http.sslVerify is false, which the service never sets: certificates stay verified.
        @Override
        public void configure(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
        }

        @Override
        public void setHostnameVerifier(HostnameVerifier hostnameverifier) {
        }
    }
}
