package io.commucat.ccp.server.config;

import io.netty.util.NetUtil;
import java.nio.ByteBuffer;

/**
 * An IP address range in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare
 * address is its own /32 or /128), as {@code security.rate_limit.trusted_proxies} lists them.
 * IPv4-mapped IPv6 addresses count as IPv4 on both sides, so a dual-stack socket's
 * {@code ::ffff:10.0.0.2} is inside {@code 10.0.0.0/8}. Only literals are read: no name is ever
 * resolved. Immutable.
 *
 * @param high         IPv6: the first 64 bits of the network; IPv4: 0
 * @param low          IPv6: the last 64 bits; IPv4: the address as an unsigned 32-bit value
 * @param ipv6         which family
 * @param prefixLength leading bits that must match: 0–32 (IPv4) or 0–128 (IPv6)
 */
public record AddressRange(long high, long low, boolean ipv6, int prefixLength) {

    public AddressRange {
        if (prefixLength < 0 || prefixLength > (ipv6 ? 128 : 32)) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
        long[] mask = mask(ipv6, prefixLength);
        if ((high & ~mask[0]) != 0 || (low & ~mask[1]) != 0 || (!ipv6 && (high != 0 || low >>> 32 != 0))) {
            throw new IllegalArgumentException("bits set past the prefix");
        }
    }

    /**
     * @throws IllegalArgumentException with a reason fit for an operator (the text is quoted,
     *     never interpreted as a host name)
     */
    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = literal(addressText);
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or CIDR range: " + quoted(text));
        }
        // Written as IPv6 (::ffff:10.0.0.0/104 is 10.0.0.0/8): the prefix counts IPv6 bits.
        int bits = addressText.contains(":") ? 128 : 32;
        int prefix = address.length * 8;
        if (slash >= 0) {
            String prefixText = trimmed.substring(slash + 1);
            if (!prefixText.matches("[0-9]{1,3}") || Integer.parseInt(prefixText) > bits) {
                throw new IllegalArgumentException("the prefix length must be 0 to " + bits + ", got " + quoted(text));
            }
            prefix = Integer.parseInt(prefixText);
            if (bits == 128 && address.length == 4) {
                if (prefix < 96) {
                    throw new IllegalArgumentException("an IPv4-mapped range needs a prefix of at least 96, got " + quoted(text));
                }
                prefix -= 96;
            }
        }
        AddressRange range = of(address, prefix);
        long[] value = split(address);
        if (value[0] != range.high || value[1] != range.low) {
            throw new IllegalArgumentException("bits are set past the /" + prefix + " prefix in " + quoted(text)
                    + "; did you mean " + range + "?");
        }
        return range;
    }

    /**
     * The bytes of an IP literal: 4 for IPv4 (and for an IPv4-mapped IPv6 address), 16 for IPv6;
     * {@code null} for anything else. Never resolves a name.
     */
    public static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.indexOf('[') >= 0 || text.indexOf('%') >= 0) {
            return null; // Netty would take brackets and zone ids; a literal here has neither
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        return bytes == null ? null : normalized(bytes);
    }

    /** IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) as the 4 IPv4 bytes; other addresses as they are. */
    public static byte[] normalized(byte[] bytes) {
        if (bytes.length == 16) {
            boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = bytes[i] == 0;
            }
            if (mapped) {
                return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
            }
        }
        return bytes;
    }

    /** Whether {@code address} (4 or 16 bytes, normalised: see {@link #normalized}) is in this range. */
    public boolean contains(byte[] address) {
        if (address.length != (ipv6 ? 16 : 4)) {
            return false;
        }
        long[] value = split(address);
        long[] mask = mask(ipv6, prefixLength);
        return (value[0] & mask[0]) == high && (value[1] & mask[1]) == low;
    }

    /** The prefix as {high, low} masks (IPv4: in the low 32 bits of low). */
    private static long[] mask(boolean ipv6, int prefixLength) {
        if (!ipv6) {
            return new long[] {0, prefixLength == 0 ? 0 : (0xffff_ffffL << (32 - prefixLength)) & 0xffff_ffffL};
        }
        long highMask = prefixLength >= 64 ? -1L : prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
        long lowMask = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
        return new long[] {highMask, lowMask};
    }

    private static long[] split(byte[] address) {
        ByteBuffer buffer = ByteBuffer.wrap(address);
        if (address.length == 4) {
            return new long[] {0, Integer.toUnsignedLong(buffer.getInt())};
        }
        return new long[] {buffer.getLong(), buffer.getLong()};
    }

    /** The range of {@code prefix} bits around {@code address}, host bits cleared. */
    private static AddressRange of(byte[] address, int prefix) {
        boolean ipv6 = address.length == 16;
        long[] value = split(address);
        long[] mask = mask(ipv6, prefix);
        return new AddressRange(value[0] & mask[0], value[1] & mask[1], ipv6, prefix);
    }

    private static String quoted(String text) {
        return LayeredSettings.show(text);
    }

    /** {@code 10.0.0.0/8}, {@code 2001:db8::/32}. */
    @Override
    public String toString() {
        byte[] bytes;
        if (ipv6) {
            bytes = ByteBuffer.allocate(16).putLong(high).putLong(low).array();
        } else {
            bytes = ByteBuffer.allocate(4).putInt((int) low).array();
        }
        return NetUtil.bytesToIpAddress(bytes) + "/" + prefixLength;
    }
}
