package io.commucat.ccp.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Limits key on the address, never the port; IPv6 on its /64. */
class ClientAddressTest {

    private static ClientAddress of(String literal) throws Exception {
        return ClientAddress.of(InetAddress.getByName(literal));
    }

    @Test
    void thePortIsNotPartOfTheKey() throws Exception {
        assertEquals(ClientAddress.of(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 1000)),
                ClientAddress.of(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 2000)));
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareAKey() throws Exception {
        assertEquals(of("2001:db8:1:2::1"), of("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertNotEquals(of("2001:db8:1:2::1"), of("2001:db8:1:3::1"));
        assertEquals("2001:db8:1:2::/64", of("2001:db8:1:2::1").toString());
    }

    @Test
    void anIpv4MappedAddressIsTheIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 192;
        mapped[14] = 2;
        mapped[15] = 7;
        assertEquals(of("192.0.2.7"), ClientAddress.of(java.net.Inet6Address.getByAddress(null, mapped, -1)));
        assertEquals("192.0.2.7", of("192.0.2.7").toString());
    }

    @Test
    void theTransportsTextFormsParseToTheSameKey() throws Exception {
        ClientAddress v4 = of("127.0.0.1");
        assertEquals(v4, ClientAddress.parse("/127.0.0.1:5000"));
        assertEquals(v4, ClientAddress.parse("localhost/127.0.0.1:5000"));
        assertEquals(v4, ClientAddress.parse("127.0.0.1:5000"));
        assertEquals(v4, ClientAddress.parse(String.valueOf(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9))));
        ClientAddress v6 = of("::1");
        assertEquals(v6, ClientAddress.parse("/[0:0:0:0:0:0:0:1]:5000"));
        assertEquals(v6, ClientAddress.parse("/0:0:0:0:0:0:0:1:5000"));
        assertEquals(v6, ClientAddress.parse(String.valueOf(new InetSocketAddress(InetAddress.getByName("::1"), 9))));
    }

    @Test
    void anythingButAnIpLiteralIsUnknownAndNeverResolved() {
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.parse("example.invalid:443"));
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.parse(null));
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.parse("embedded"));
        assertEquals("unknown", ClientAddress.UNKNOWN.toString());
    }
}
