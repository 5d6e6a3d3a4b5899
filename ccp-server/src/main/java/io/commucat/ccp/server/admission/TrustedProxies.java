package io.commucat.ccp.server.admission;

import io.commucat.ccp.server.config.AddressRange;
import io.commucat.ccp.server.config.ServerConfig.RateLimits;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the client of a request is (issue 16: "behind a trusted proxy the address comes from a
 * configured header only"). A request whose TCP peer is inside one of the trusted ranges came
 * through a proxy: its client is read from the configured header; any other request's client
 * is its TCP peer, whatever headers it sends, so a spoofed header escapes no limit.
 *
 * <p>Reading the header: its values in order form one comma-separated list, the nearest hop
 * last. Walking from the right, addresses of trusted proxies are skipped; the first other
 * address is the client (an element left of it was written by the client, so it is never
 * believed). When every address is a trusted proxy, the leftmost is the client. A malformed
 * element reached in that walk, or an empty header, makes the peer the client (logged at
 * DEBUG). Elements are IP literals, optionally with a port ({@code 192.0.2.7:5000},
 * {@code [2001:db8::7]:443}); with the header {@code forwarded} (RFC 7239) each element's
 * {@code for=} parameter is read. Names are never resolved.
 *
 * <p>Immutable and thread-safe; the work is bounded by the header's size, which the HTTP codecs
 * bound.
 */
public final class TrustedProxies {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedProxies.class);
    private static final TrustedProxies NONE = new TrustedProxies(List.of(), RateLimits.X_FORWARDED_FOR);

    /**
     * The client of one request.
     *
     * @param remoteAddress as text: the TCP peer as the transport reports it ({@code /192.0.2.7:5000}),
     *                      or the forwarded address ({@code 198.51.100.7}, {@code 2001:db8::7})
     * @param key           what the per-address limits count it under
     * @param forwarded     whether it came from a trusted proxy's header
     */
    public record Client(String remoteAddress, ClientAddress key, boolean forwarded) {
    }

    private final List<AddressRange> ranges;
    private final String header;
    private final boolean forwardedSyntax;

    /** @param header the header name (any case) a trusted proxy puts the client address in */
    public TrustedProxies(List<AddressRange> ranges, String header) {
        this.ranges = List.copyOf(ranges);
        this.header = header.toLowerCase(Locale.ROOT);
        this.forwardedSyntax = this.header.equals("forwarded");
    }

    /** No proxy is trusted: every client is its TCP peer. */
    public static TrustedProxies none() {
        return NONE;
    }

    /** {@code [security.rate_limit] trusted_proxies} and {@code client_address_header}. */
    public static TrustedProxies configured(RateLimits config) {
        return config.trustedProxies().isEmpty() ? NONE
                : new TrustedProxies(config.trustedProxies(), config.clientAddressHeader());
    }

    /** The lower-case header name read from trusted proxies. */
    public String header() {
        return header;
    }

    /**
     * @param peer    the TCP peer of the connection
     * @param headers request header name (lower case) → its values in order, empty when absent
     */
    public Client clientOf(SocketAddress peer, Function<String, List<String>> headers) {
        Client direct = new Client(String.valueOf(peer), ClientAddress.of(peer), false);
        if (ranges.isEmpty() || !(peer instanceof InetSocketAddress inet) || inet.getAddress() == null
                || !trusted(AddressRange.normalized(inet.getAddress().getAddress()))) {
            return direct;
        }
        List<String> values = headers.apply(header);
        if (values.isEmpty()) {
            return direct;
        }
        byte[] client = null;
        for (int v = values.size() - 1; v >= 0; v--) {
            String value = values.get(v);
            int end = value.length();
            while (end >= 0) {
                int comma = value.lastIndexOf(',', end - 1);
                String element = value.substring(comma + 1, Math.max(comma + 1, end));
                byte[] address = forwardedSyntax ? forParameter(element) : address(element);
                if (address == null) {
                    LOG.debug("{}: malformed {} header from a trusted proxy; counting the proxy as the client", peer,
                            header);
                    return direct;
                }
                client = address;
                if (!trusted(address)) {
                    return forwarded(address);
                }
                end = comma;
            }
        }
        return forwarded(client);
    }

    private boolean trusted(byte[] address) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static Client forwarded(byte[] address) {
        try {
            InetAddress inet = InetAddress.getByAddress(address); // no lookup: the bytes are given
            return new Client(NetUtil.toAddressString(inet), ClientAddress.of(inet), true);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.length + " bytes", e);
        }
    }

    /**
     * One element of an address list: {@code 192.0.2.7}, {@code 192.0.2.7:5000},
     * {@code 2001:db8::7}, {@code [2001:db8::7]} or {@code [2001:db8::7]:443}; {@code null} otherwise.
     */
    static byte[] address(String element) {
        String text = element.trim();
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !isPortSuffix(text.substring(close + 1))) {
                return null;
            }
            String inside = text.substring(1, close);
            return inside.contains(":") ? AddressRange.literal(inside) : null; // brackets hold IPv6 only
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && colon == text.lastIndexOf(':')) {
            // IPv4 with a port; a bare IPv6 literal has at least two colons.
            if (!isPortSuffix(text.substring(colon)) || !NetUtil.isValidIpV4Address(text.substring(0, colon))) {
                return null;
            }
            return AddressRange.literal(text.substring(0, colon));
        }
        return AddressRange.literal(text);
    }

    /** {@code ""} or {@code :<port 0-65535>}. */
    private static boolean isPortSuffix(String rest) {
        return rest.isEmpty() || rest.matches(":[0-9]{1,5}") && Integer.parseInt(rest.substring(1)) <= 65_535;
    }

    /** The {@code for=} address of one RFC 7239 element ({@code for=192.0.2.60;proto=https}); {@code null} when absent or not an address. */
    static byte[] forParameter(String element) {
        for (String pair : element.split(";", -1)) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase("for")) {
                String value = pair.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return address(value);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "TrustedProxies[none]" : "TrustedProxies[" + ranges + " via " + header + "]";
    }
}
