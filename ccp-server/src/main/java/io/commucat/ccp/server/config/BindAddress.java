package io.commucat.ccp.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A listen address {@code HOST:PORT}: an IPv4 literal, a bracketed IPv6 literal
 * ({@code [::1]:8443}) or a host name. Port 0 asks the OS for a free port (test servers).
 * Parsing never touches DNS; a host name is resolved only by {@link #toSocketAddress()}.
 */
public record BindAddress(String host, int port) {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");

    public BindAddress {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
    }

    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException with a reason fit for an operator
     */
    public static BindAddress parse(String text) {
        String s = text.trim();
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [IPv6]:PORT, got \"" + text + "\"");
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
            requireIpv6Literal(host);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected HOST:PORT, got \"" + text + "\"");
            }
            if (s.indexOf(':') != colon) {
                throw new IllegalArgumentException("an IPv6 address needs brackets, e.g. [::1]:8443, got \"" + text + "\"");
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
            requireHostOrIpv4(host);
        }
        return new BindAddress(host, parsePort(portText));
    }

    /** {@code true} for a wildcard address (all interfaces). */
    public boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** Resolves the host (DNS for a name, none for a literal). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static int parsePort(String portText) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("port must be a number between 0 and 65535, got \"" + portText + "\"");
        }
        int port = Integer.parseInt(portText);
        if (port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        return port;
    }

    private static void requireIpv6Literal(String host) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty IPv6 address in brackets");
        }
        try {
            // A bracketed argument is parsed as a literal only: no DNS lookup can happen here.
            InetAddress.getByName("[" + host + "]");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: \"" + host + "\"");
        }
    }

    private static void requireHostOrIpv4(String host) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host, e.g. 127.0.0.1:8443 or 0.0.0.0:8443");
        }
        if (NUMERIC.matcher(host).matches()) {
            String[] parts = host.split("\\.", -1);
            boolean ok = parts.length == 4;
            for (String p : parts) {
                ok &= !p.isEmpty() && p.length() <= 3 && Integer.parseInt(p) <= 255;
            }
            if (!ok) {
                throw new IllegalArgumentException("not an IPv4 address: \"" + host + "\"");
            }
            return;
        }
        if (host.length() > 253) {
            throw new IllegalArgumentException("host name longer than 253 characters");
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("not a host name: \"" + host + "\"");
            }
        }
    }
}
