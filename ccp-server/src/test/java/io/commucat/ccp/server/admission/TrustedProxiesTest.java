package io.commucat.ccp.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.AddressRange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {

    /** The load balancers: 10.0.0.0/8 and 2001:db8:ffff::/48. */
    private final TrustedProxies proxies = new TrustedProxies(
            List.of(AddressRange.parse("10.0.0.0/8"), AddressRange.parse("2001:db8:ffff::/48")), "X-Forwarded-For");

    private static InetSocketAddress peer(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 40_000);
    }

    private TrustedProxies.Client client(TrustedProxies proxies, String peer, String... xff) throws Exception {
        return proxies.clientOf(peer(peer), name -> name.equals(proxies.header()) ? List.of(xff) : List.of());
    }

    private TrustedProxies.Client client(String peer, String... xff) throws Exception {
        return client(proxies, peer, xff);
    }

    private static ClientAddress key(String ip) throws Exception {
        return ClientAddress.of(InetAddress.getByName(ip));
    }

    @Test
    void anUntrustedPeersHeaderIsIgnored() throws Exception {
        TrustedProxies.Client client = client("203.0.113.9", "198.51.100.7");
        assertEquals("/203.0.113.9:40000", client.remoteAddress());
        assertEquals(key("203.0.113.9"), client.key());
        assertFalse(client.forwarded());
    }

    @Test
    void withNoTrustedRangeEveryHeaderIsIgnored() throws Exception {
        TrustedProxies.Client client = client(TrustedProxies.none(), "10.0.0.2", "198.51.100.7");
        assertEquals(key("10.0.0.2"), client.key());
        assertFalse(client.forwarded());
    }

    @Test
    void aTrustedPeersHeaderNamesTheClient() throws Exception {
        TrustedProxies.Client client = client("10.0.0.2", "198.51.100.7");
        assertEquals("198.51.100.7", client.remoteAddress());
        assertEquals(key("198.51.100.7"), client.key());
        assertTrue(client.forwarded());
    }

    @Test
    void theRightmostUntrustedAddressWinsOverWhatTheClientWroteBeforeIt() throws Exception {
        // The client sent "X-Forwarded-For: 192.0.2.1"; the edge proxy appended the client, the inner one the edge.
        assertEquals(key("198.51.100.7"), client("10.0.0.2", "192.0.2.1, 198.51.100.7, 10.9.9.9").key());
    }

    @Test
    void severalHeaderLinesAreOneListInOrder() throws Exception {
        assertEquals(key("198.51.100.7"), client("10.0.0.2", "192.0.2.1", "198.51.100.7,10.0.0.3", "10.9.9.9").key());
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() throws Exception {
        TrustedProxies.Client client = client("10.0.0.2", "10.1.1.1, 10.2.2.2");
        assertEquals(key("10.1.1.1"), client.key());
        assertTrue(client.forwarded());
    }

    @Test
    void aTrustedPeerWithoutTheHeaderIsItself() throws Exception {
        TrustedProxies.Client client = client("10.0.0.2");
        assertEquals(key("10.0.0.2"), client.key());
        assertFalse(client.forwarded());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "unknown", "198.51.100.7, garbage", "198.51.100.7,", "proxy.example.org",
        "198.51.100.7:99999", "[198.51.100.7]", "2001:db8::7]:1", "_hidden"})
    void aMalformedElementReachedInTheWalkMakesTheProxyTheClient(String header) throws Exception {
        TrustedProxies.Client client = client("10.0.0.2", header);
        assertEquals(key("10.0.0.2"), client.key());
        assertFalse(client.forwarded());
    }

    @Test
    void aMalformedElementLeftOfTheClientIsNeverRead() throws Exception {
        assertEquals(key("198.51.100.7"), client("10.0.0.2", "not-an-address, 198.51.100.7").key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.7:5000", "[2001:db8:1:2::7]:443", "[2001:db8:1:2::7]", "2001:db8:1:2::7",
        "::ffff:198.51.100.7"})
    void portsAndBracketsAreAccepted(String element) throws Exception {
        assertTrue(client("10.0.0.2", element).forwarded(), element);
    }

    @Test
    void anIpv6ClientIsKeyedOnItsSlash64() throws Exception {
        TrustedProxies.Client client = client("2001:db8:ffff::1", "2001:db8:1:2::7");
        assertEquals("2001:db8:1:2::7", client.remoteAddress());
        assertEquals(key("2001:db8:1:2:ffff::1"), client.key());
    }

    @Test
    void anIpv4MappedPeerIsTrustedByItsIpv4Range() throws Exception {
        assertTrue(client("::ffff:10.0.0.2", "198.51.100.7").forwarded());
    }

    @Test
    void theForwardedHeaderIsReadByItsForParameter() throws Exception {
        TrustedProxies forwarded = new TrustedProxies(List.of(AddressRange.parse("10.0.0.0/8")), "forwarded");
        TrustedProxies.Client client = client(forwarded, "10.0.0.2",
                "for=192.0.2.1;proto=https, For=\"[2001:db8:1:2::7]:4711\";by=10.0.0.1, for=10.0.0.9");
        assertEquals("2001:db8:1:2::7", client.remoteAddress());
        assertEquals(key("198.51.100.7"), client(forwarded, "10.0.0.2", "proto=https;for=198.51.100.7").key());
        assertFalse(client(forwarded, "10.0.0.2", "for=unknown").forwarded());
        assertFalse(client(forwarded, "10.0.0.2", "proto=https").forwarded());
    }

    @Test
    void aPeerThatIsNoIpSocketIsUnknownAndNeverTrusted() {
        TrustedProxies.Client client = proxies.clientOf(null, name -> List.of("198.51.100.7"));
        assertEquals(ClientAddress.UNKNOWN, client.key());
        assertFalse(client.forwarded());
    }

    @Test
    void elementsParseAsLiteralsOnly() {
        assertNull(TrustedProxies.address("localhost"));
        assertNull(TrustedProxies.address("1.2.3.4:"));
        assertNull(TrustedProxies.address("1.2.3.4:80:80"));
        assertEquals(4, TrustedProxies.address(" 1.2.3.4 ").length);
    }
}
