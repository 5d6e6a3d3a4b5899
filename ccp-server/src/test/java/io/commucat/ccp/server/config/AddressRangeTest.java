package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

    private static byte[] ip(String literal) {
        return AddressRange.literal(literal);
    }

    @Test
    void anIpv4RangeHoldsItsAddressesAndNoOthers() {
        AddressRange range = AddressRange.parse("10.0.0.0/8");
        assertTrue(range.contains(ip("10.0.0.0")));
        assertTrue(range.contains(ip("10.255.255.255")));
        assertFalse(range.contains(ip("11.0.0.0")));
        assertFalse(range.contains(ip("9.255.255.255")));
        assertFalse(range.contains(ip("::a00:1")), "an IPv6 address is never in an IPv4 range");
    }

    @Test
    void aBareAddressIsItsOwnRange() {
        AddressRange v4 = AddressRange.parse("127.0.0.1");
        assertEquals("127.0.0.1/32", v4.toString());
        assertTrue(v4.contains(ip("127.0.0.1")));
        assertFalse(v4.contains(ip("127.0.0.2")));
        AddressRange v6 = AddressRange.parse("::1");
        assertEquals(128, v6.prefixLength());
        assertTrue(v6.contains(ip("::1")));
        assertFalse(v6.contains(ip("::2")));
    }

    @Test
    void anIpv6RangeMatchesAcrossTheHalves() {
        AddressRange wide = AddressRange.parse("2001:db8::/32");
        assertTrue(wide.contains(ip("2001:db8:ffff:1::7")));
        assertFalse(wide.contains(ip("2001:db9::1")));
        AddressRange narrow = AddressRange.parse("2001:db8:0:1:8000::/65");
        assertTrue(narrow.contains(ip("2001:db8:0:1:ffff::1")));
        assertFalse(narrow.contains(ip("2001:db8:0:1:7fff::1")));
        assertEquals("2001:db8:0:1:8000::/65", narrow.toString());
    }

    @Test
    void zeroPrefixHoldsEveryAddressOfItsFamily() {
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
        assertTrue(AddressRange.parse("::/0").contains(ip("2001:db8::9")));
        assertFalse(AddressRange.parse("::/0").contains(ip("203.0.113.9")));
    }

    @Test
    void ipv4MappedAddressesCountAsIpv4() {
        assertArrayEquals(ip("10.1.2.3"), ip("::ffff:10.1.2.3"));
        assertTrue(AddressRange.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3")));
        assertEquals("10.0.0.0/8", AddressRange.parse("::ffff:10.0.0.0/104").toString());
    }

    @Test
    void bitsPastThePrefixAreRejectedWithTheRangeMeant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.1.2.3/8"));
        assertEquals("bits are set past the /8 prefix in \"10.1.2.3/8\"; did you mean 10.0.0.0/8?", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/0x8",
        "::ffff:10.0.0.0/8"})
    void badPrefixesAreRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "proxy.example.org/24", "10.0.0", "10.0.0.256", "1.2.3.4.5", "[::1]", "::1::2"})
    void namesAndNonLiteralsAreRejectedWithoutALookup(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
        assertTrue(e.getMessage().startsWith("not an IP address or CIDR range: \""), e.getMessage());
        assertNull(AddressRange.literal(text.contains("/") ? text.substring(0, text.indexOf('/')) : text));
    }
}
