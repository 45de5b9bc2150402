package routes.source;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.net.URI;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP client of remote sources (http files and git over http). Its connections learn addresses only from
 * the {@link AddressGuard}: the addresses a socket is opened to are the ones just checked, on every hop (a redirect
 * is a new request, resolved and checked again). Redirects, retries, cookies, compression and system proxies are
 * off: the callers follow redirects themselves, and a proxy would resolve the host where the guard cannot see.
 */
public final class GuardedHttpClient implements Closeable {

    private final CloseableHttpClient client;

    public GuardedHttpClient(AddressGuard guard, Duration connectTimeout, Duration readTimeout) {
        DnsResolver dns = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                // without a port: checked as the default one (an allowed host's other ports stay internal)
                return guard.checkedAddresses(host, -1);
            }

            @Override
            public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
                List<InetSocketAddress> out = new ArrayList<>();
                for (InetAddress a : guard.checkedAddresses(host, port)) {
                    out.add(new InetSocketAddress(a, port));
                }
                return out;
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(dns)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout)).build())
                        .setMaxConnPerRoute(8).setMaxConnTotal(64).build())
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false)
                        .setResponseTimeout(Timeout.of(readTimeout)).build())
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableContentCompression().disableAuthCaching().setUserAgent("cortex-ingest")
                .build();
    }

    /**
     * A request to {@code uri}; credentials in its user-info ({@code https://user:token@host/...}) become a Basic
     * Authorization header, since HttpClient (rightly) refuses user-info in a request URI.
     */
    public static HttpUriRequestBase request(String method, URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return new HttpUriRequestBase(method, uri);
        }
        HttpUriRequestBase request = new HttpUriRequestBase(method, withoutUserInfo(uri));
        String decoded = java.net.URLDecoder.decode(userInfo.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        request.setHeader("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                decoded.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return request;
    }

    /** The URI with its user-info (credentials) removed; itself when it has none. */
    static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("Invalid URL: " + e.getMessage(), e);
        }
    }

    /** Sends the request; the caller reads and closes the response. */
    public ClassicHttpResponse open(ClassicHttpRequest request) throws IOException {
        return client.executeOpen(null, request, null);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
