package routes.source;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps remote sources (http files, git repositories) off the service's own network: a host that resolves to a
 * loopback, private, link-local (cloud metadata), unique-local, carrier-grade NAT, multicast or unspecified address
 * is refused, unless CORTEX_FETCH_ALLOW_PRIVATE is set or the operator listed the host in CORTEX_FETCH_ALLOWED_HOSTS
 * (an internal server they trust). Checked when the job is created, and by the worker's connections themselves
 * ({@link GuardedDns}): every hop of every fetch connects only to addresses this guard has just checked, so neither a
 * redirect nor a DNS answer that changes between the check and the connection (rebinding) reaches an internal host.
 */
public final class AddressGuard {

    /** How host names become addresses: the system resolver, or a scripted one in tests. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    /** A host whose addresses the guard refused; an UnknownHostException, so clients give up on it at once. */
    public static final class Refused extends UnknownHostException {
        public Refused(String reason) {
            super(reason);
        }
    }

    private static final java.util.regex.Pattern NUMERIC_HOST = java.util.regex.Pattern.compile(
            "(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?");
    private static final java.util.regex.Pattern DOTTED_QUAD = java.util.regex.Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private final boolean allowPrivate;
    private final Set<String> allowedHosts;
    private final Lookup lookup;

    public AddressGuard(boolean allowPrivate, List<String> allowedHosts) {
        this(allowPrivate, allowedHosts, InetAddress::getAllByName);
    }

    public AddressGuard(boolean allowPrivate, List<String> allowedHosts, Lookup lookup) {
        this.allowPrivate = allowPrivate;
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.lookup = lookup;
    }

    /**
     * The host's addresses, resolved once and each checked: what a connection may use, and nothing else.
     *
     * @throws Refused when one of them is internal and the host is not allowed
     */
    public InetAddress[] checkedAddresses(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = lookup.addresses(bare);
        if (allowPrivate || allowedHosts.contains(bare.toLowerCase(Locale.ROOT))) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            if (internal(address)) {
                throw new Refused("the host " + bare + " resolves to a private, loopback or link-local address ("
                        + address.getHostAddress() + "); set CORTEX_FETCH_ALLOW_PRIVATE=true or list the host in"
                        + " CORTEX_FETCH_ALLOWED_HOSTS to allow it");
            }
        }
        return addresses;
    }

    /** Why the URL may not be fetched, or empty when it may. */
    public Optional<String> refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs can be fetched: " + url);
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of("the URL has no host: " + url);
        }
        if (NUMERIC_HOST.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            // 0177.0.0.1, 2130706433, 0x7f000001, 127.1: read differently by different parsers (the JDK takes
            // 0177 as decimal, libc as octal); only the plain form is taken
            return Optional.of("the host " + host + " is a numeric address in an ambiguous form: write it as four"
                    + " decimal numbers (a.b.c.d, no leading zeros)");
        }
        try {
            checkedAddresses(host);
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of("the host " + host + " cannot be resolved");
        }
    }

    static boolean internal(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            // 0.0.0.0/8 "this network", 100.64.0.0/10 carrier-grade NAT, 198.18.0.0/15 benchmarking
            return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 198 && (second & 0xFE) == 18);
        }
        if (a instanceof Inet6Address) {
            // fc00::/7 unique local addresses
            return (b[0] & 0xFE) == 0xFC;
        }
        return false;
    }
}
