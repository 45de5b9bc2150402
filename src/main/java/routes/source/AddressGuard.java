package routes.source;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    /** Allowed host -> its allowed ports; an empty set: the scheme's default ports (80 and 443) only. */
    private final Map<String, Set<Integer>> allowedHosts;
    private final Lookup lookup;

    public AddressGuard(boolean allowPrivate, List<String> allowedHosts) {
        this(allowPrivate, allowedHosts, InetAddress::getAllByName);
    }

    public AddressGuard(boolean allowPrivate, List<String> allowedHosts, Lookup lookup) {
        this.allowPrivate = allowPrivate;
        Map<String, Set<Integer>> allowed = new java.util.HashMap<>();
        for (String entry : allowedHosts) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            java.util.regex.Matcher m = HOST_PORT.matcher(e);
            String host = m.matches() ? m.group(1) : e;
            Set<Integer> ports = allowed.computeIfAbsent(bare(host), h -> new java.util.HashSet<>());
            if (m.matches() && m.group(2) != null) {
                ports.add(Integer.parseInt(m.group(2)));
            }
        }
        this.allowedHosts = Map.copyOf(allowed);
        this.lookup = lookup;
    }

    /** host[:port], the host a name, an IPv4 literal or an IPv6 literal in brackets. */
    private static final java.util.regex.Pattern HOST_PORT = java.util.regex.Pattern.compile(
            "(\\[[0-9a-f:.]+\\]|[^:\\[\\]]+)(?::([0-9]{1,5}))?");

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * Whether the operator allowed this host on this port: an entry with a port allows that port only, one without
     * allows the scheme's default port only (80, 443; -1 is "the default"). Another port of an allowed host is
     * another server.
     */
    private boolean allowed(String host, int port) {
        Set<Integer> ports = allowedHosts.get(bare(host).toLowerCase(Locale.ROOT));
        if (ports == null) {
            return false;
        }
        return ports.isEmpty() ? port == -1 || port == 80 || port == 443 : ports.contains(port);
    }

    /**
     * The host's addresses, resolved once and each checked: what a connection may use, and nothing else.
     *
     * @throws Refused when one of them is internal and the host is not allowed on this port
     */
    public InetAddress[] checkedAddresses(String host, int port) throws UnknownHostException {
        String bare = bare(host);
        InetAddress[] addresses = lookup.addresses(bare);
        if (allowPrivate || allowed(bare, port)) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            if (internal(address)) {
                throw new Refused("the host " + bare + " resolves to a private, loopback or link-local address ("
                        + address.getHostAddress() + ")" + (allowedHosts.containsKey(bare.toLowerCase(Locale.ROOT))
                                ? ", and CORTEX_FETCH_ALLOWED_HOSTS allows it on other ports only (port " + port + ")"
                                : "; set CORTEX_FETCH_ALLOW_PRIVATE=true or list the host (with its port) in"
                                        + " CORTEX_FETCH_ALLOWED_HOSTS to allow it"));
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
        int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        try {
            checkedAddresses(host, port);
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of("the host " + host + " cannot be resolved");
        }
    }

    /**
     * The one classification of internal addresses, used when a job is created and by every connection: loopback,
     * private, link-local, unique-local, site-local, carrier-grade NAT, benchmarking, "this network", multicast,
     * unspecified; and any IPv6 address that carries an IPv4 address inside (IPv4-compatible {@code ::a.b.c.d},
     * IPv4-mapped {@code ::ffff:a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}, Teredo
     * {@code 2001::/32}) is judged by that IPv4 address.
     */
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
            if ((b[0] & 0xFE) == 0xFC) {
                return true;
            }
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                try {
                    return internal(InetAddress.getByAddress(embedded));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The IPv4 address an IPv6 address carries, or null. */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zero96 = true;
        for (int i = 0; i < 10; i++) {
            zero96 &= b[i] == 0;
        }
        if (zero96 && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xFF && b[11] == (byte) 0xFF))) {
            // ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (IPv4-mapped)
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xFF && b[3] == (byte) 0x9B;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (nat64) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            // 6to4: 2002:aabb:ccdd::/48
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            // Teredo: the client's address is the last 32 bits, inverted
            return new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]};
        }
        return null;
    }
}
