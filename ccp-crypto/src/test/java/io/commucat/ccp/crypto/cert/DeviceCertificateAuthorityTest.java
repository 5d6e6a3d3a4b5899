package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeviceCertificateAuthorityTest {

    private static final DeviceCaKeyPair KEY = DeviceCaKeyPair.fromSeed(new byte[32]);
    private static final DeviceCertificateAuthority CA = new DeviceCertificateAuthority(KEY);
    private static final byte[] DEVICE_KEY = new byte[32];
    private static final long NOW = 1_763_683_200L;

    @Test
    void issuedCertificateIsValidForThirtyDaysByDefault() {
        CertificateFields f = CA.issue(1, "u", "d", DEVICE_KEY, NOW).fields();
        assertEquals(NOW, f.issuedAt());
        assertEquals(NOW + 30L * 24 * 3600, f.expiresAt());
    }

    @Test
    void issuedCertificateNamesTheCaAsIssuerAndVerifies() {
        DeviceCertificate certificate = CA.issue(1, "u", "d", DEVICE_KEY, NOW);
        assertArrayEquals(KEY.publicKey(), certificate.fields().issuer());
        assertDoesNotThrow(() -> CA.verifier().verify(certificate));
    }

    @Test
    void customValiditySetsTheExpiry() {
        assertEquals(NOW + 60, CA.issue(1, "u", "d", DEVICE_KEY, NOW, Duration.ofMinutes(1)).fields().expiresAt());
    }

    @Test
    void validityUnderOneSecondIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CA.issue(1, "u", "d", DEVICE_KEY, NOW, Duration.ofMillis(999)));
        assertThrows(IllegalArgumentException.class, () -> CA.issue(1, "u", "d", DEVICE_KEY, NOW, Duration.ofSeconds(-1)));
    }

    @Test
    void expiryBeyond64BitsIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> CA.issue(1, "u", "d", DEVICE_KEY, Long.MAX_VALUE - 10, Duration.ofDays(1)));
    }

    @Test
    void largestSerialIsIssuedAndWrittenUnsigned() {
        DeviceCertificate certificate = CA.issue(-1L, "u", "d", DEVICE_KEY, NOW);
        assertTrue(certificate.toWireJson().startsWith("{\"serial\":18446744073709551615,"));
        assertDoesNotThrow(() -> CA.verifier().verify(certificate));
    }

    @Test
    void signingFieldsOfAnotherIssuerIsRefused() {
        byte[] otherIssuer = new byte[32];
        CertificateFields foreign = new CertificateFields(1, "u", "d", DEVICE_KEY, otherIssuer, NOW, NOW + 1);
        assertThrows(IllegalArgumentException.class, () -> CA.sign(foreign));
    }

    @Test
    void signingIsDeterministic() {
        assertEquals(CA.issue(5, "u", "d", DEVICE_KEY, NOW), CA.issue(5, "u", "d", DEVICE_KEY, NOW));
    }
}
