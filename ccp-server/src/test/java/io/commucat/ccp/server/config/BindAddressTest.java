package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BindAddressTest {

    @Test
    void parsesIpv4() {
        assertEquals(new BindAddress("127.0.0.1", 8443), BindAddress.parse("127.0.0.1:8443"));
    }

    @Test
    void parsesBracketedIpv6AndPrintsItBracketed() {
        BindAddress a = BindAddress.parse("[::1]:8443");
        assertEquals("::1", a.host());
        assertEquals("[::1]:8443", a.toString());
    }

    @Test
    void parsesHostNameWithoutResolvingIt() {
        assertEquals(new BindAddress("does-not-exist.invalid", 1), BindAddress.parse("does-not-exist.invalid:1"));
    }

    @Test
    void acceptsPortZeroForAnEphemeralPort() {
        assertEquals(0, BindAddress.parse("localhost:0").port());
    }

    @Test
    void recognisesWildcards() {
        assertTrue(BindAddress.parse("0.0.0.0:1").isWildcard());
        assertTrue(BindAddress.parse("[::]:1").isWildcard());
    }
}
