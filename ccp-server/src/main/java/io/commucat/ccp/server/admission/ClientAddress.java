package io.commucat.ccp.server.admission;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * What per-address limits key on: the peer's IP address, never its port (rest.md "Rate limits",
 * Deviation), and for IPv6 its /64 prefix, the block one subscriber usually holds, so a client
 * cannot escape a limit by walking its own /64. An IPv4-mapped IPv6 address counts as the IPv4
 * address. Immutable and small (it is a key of every admission table).
 *
 * @param bits IPv4: the address as an unsigned 32-bit value; IPv6: the first 64 bits
 */
public record ClientAddress(long bits, boolean ipv6) {

    /** Every peer whose address cannot be read (not a TCP peer): they share one key. */
    public static final ClientAddress UNKNOWN = new ClientAddress(-1, false);

    public static ClientAddress of(InetAddress address) {
        return fromBytes(address.getAddress());
    }

    /** The key of a channel's remote address; {@link #UNKNOWN} for anything but an IP socket address. */
    public static ClientAddress of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return of(inet.getAddress());
        }
        return UNKNOWN;
    }

    /**
     * The key of a remote address as the transport reports it in text ({@code /127.0.0.1:5000},
     * {@code host/[::1]:5000}, {@code 10.0.0.1:5000}, {@code ::1}). Only IP literals are read (no
     * name is ever resolved); anything else is {@link #UNKNOWN}.
     */
    public static ClientAddress parse(String remote) {
        if (remote == null) {
            return UNKNOWN;
        }
        String text = remote.substring(remote.lastIndexOf('/') + 1);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            if (text.startsWith("[") && text.indexOf(']') > 0) {
                text = text.substring(1, text.indexOf(']'));
            } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
                text = text.substring(0, text.indexOf(':')); // IPv4 with a port
            } else if (text.lastIndexOf(':') > 0) {
                text = text.substring(0, text.lastIndexOf(':')); // bare IPv6 with a port
            }
            bytes = NetUtil.createByteArrayFromIpAddressString(text);
        }
        return bytes == null ? UNKNOWN : fromBytes(bytes);
    }

    private static ClientAddress fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length == 4) {
            return new ClientAddress(Integer.toUnsignedLong(buffer.getInt()), false);
        }
        long high = buffer.getLong();
        long low = buffer.getLong();
        if (high == 0 && (low >>> 32) == 0xffffL) {
            return new ClientAddress(low & 0xffff_ffffL, false);
        }
        return new ClientAddress(high, true);
    }

    /** {@code 192.0.2.7}, {@code 2001:db8:1:2::/64} or {@code unknown}: for logs, metrics-free. */
    @Override
    public String toString() {
        if (equals(UNKNOWN)) {
            return "unknown";
        }
        if (!ipv6) {
            return (bits >>> 24 & 0xff) + "." + (bits >>> 16 & 0xff) + "." + (bits >>> 8 & 0xff) + "." + (bits & 0xff);
        }
        return Long.toHexString(bits >>> 48) + ":" + Long.toHexString(bits >>> 32 & 0xffff) + ":"
                + Long.toHexString(bits >>> 16 & 0xffff) + ":" + Long.toHexString(bits & 0xffff) + "::/64";
    }
}
