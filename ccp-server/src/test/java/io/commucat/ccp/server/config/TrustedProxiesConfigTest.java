package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigException.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [security.rate_limit] trusted_proxies} and {@code client_address_header}. */
class TrustedProxiesConfigTest {

    private static final String KEY = "security.rate_limit.trusted_proxies";

    @TempDir
    Path dir;

    private ConfigFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new ConfigFixtures(dir);
    }

    private static List<String> ranges(ServerConfig config) {
        return config.rateLimits().trustedProxies().stream().map(AddressRange::toString).toList();
    }

    @Test
    void byDefaultNoProxyIsTrustedAndTheHeaderIsXForwardedFor() throws Exception {
        ServerConfig config = fixtures.loadEnv(Map.of());
        assertEquals(List.of(), config.rateLimits().trustedProxies());
        assertEquals("x-forwarded-for", config.rateLimits().clientAddressHeader());
    }

    @Test
    void theFileListsRangesAndNamesTheHeaderInAnyCase() throws Exception {
        ServerConfig config = fixtures.load("""
                [security.rate_limit]
                trusted_proxies = ["10.0.0.0/8", "::1", "2001:db8::/32"]
                client_address_header = "X-Real-IP"
                """);
        assertEquals(List.of("10.0.0.0/8", "::1/128", "2001:db8::/32"), ranges(config));
        assertEquals("x-real-ip", config.rateLimits().clientAddressHeader());
    }

    @Test
    void aVariableListsRangesSeparatedByCommas() throws Exception {
        ServerConfig config = fixtures.loadEnv(Map.of("CCP_SECURITY_RATE_LIMIT_TRUSTED_PROXIES", " 10.0.0.0/8, 192.168.0.0/16 ,"));
        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/16"), ranges(config));
    }

    @Test
    void anEmptyVariableTrustsNoProxyWhateverTheFileSays() throws Exception {
        ServerConfig config = fixtures.load("[security.rate_limit]\ntrusted_proxies = [\"10.0.0.0/8\"]\n",
                Map.of("CCP_SECURITY_RATE_LIMIT_TRUSTED_PROXIES", ""));
        assertEquals(List.of(), config.rateLimits().trustedProxies());
    }

    @Test
    void aRangeWithHostBitsIsRejectedWithTheRangeMeantAndWhereItCameFrom() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.load("[security.rate_limit]\ntrusted_proxies = [\"10.0.0.0/8\", \"10.1.2.3/8\"]\n"));
        assertEquals(Kind.MALFORMED, e.kind());
        assertEquals(Optional.of(KEY), e.key());
        assertTrue(e.getMessage().startsWith(KEY + ": bits are set past the /8 prefix in \"10.1.2.3/8\"; did you mean 10.0.0.0/8? (from "),
                e.getMessage());
    }

    @Test
    void aHostNameIsRejectedNotResolved() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.loadEnv(Map.of("CCP_SECURITY_RATE_LIMIT_TRUSTED_PROXIES", "proxy.internal")));
        assertEquals(KEY + ": not an IP address or CIDR range: \"proxy.internal\" (from CCP_SECURITY_RATE_LIMIT_TRUSTED_PROXIES)",
                e.getMessage());
    }

    @Test
    void aNumberOrAnArrayOfNumbersIsAWrongType() {
        ConfigException number = assertThrows(ConfigException.class,
                () -> fixtures.load("[security.rate_limit]\ntrusted_proxies = 10\n"));
        assertEquals(Kind.WRONG_TYPE, number.kind());
        assertTrue(number.getMessage().startsWith(KEY + ": must be an array of strings, got 10"), number.getMessage());
        ConfigException item = assertThrows(ConfigException.class,
                () -> fixtures.load("[security.rate_limit]\ntrusted_proxies = [10]\n"));
        assertEquals(Kind.WRONG_TYPE, item.kind());
    }

    @Test
    void aHeaderNameThatIsNoHttpTokenIsRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.loadEnv(Map.of("CCP_SECURITY_RATE_LIMIT_CLIENT_ADDRESS_HEADER", "X Forwarded: For")));
        assertEquals(Kind.MALFORMED, e.kind());
        assertEquals(Optional.of("security.rate_limit.client_address_header"), e.key());
    }
}
