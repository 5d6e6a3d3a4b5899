package io.commucat.ccp.client.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Pins against values openssl computed for the test certificate ({@code /tls/README.md}). */
class CertificatePinsTest {

    private static final String OPENSSL_PIN = "kqXdE33ke6oIK7d0lvM+UqGBf7J0c9m7xSwLM+em33w=";
    private static final String OPENSSL_FINGERPRINT =
            "9A:91:9B:C2:13:31:DD:A0:8A:DE:B4:4E:06:23:05:32:9B:20:B6:9F:19:49:1C:14:EB:38:42:88:83:A8:3C:0E";

    private static X509Certificate certificate() throws Exception {
        return CertificatePins.readCertificate(Path.of(CertificatePinsTest.class.getResource("/tls/server.pem").toURI()));
    }

    @Test
    void thePublicKeyPinIsOpensslsSha256OfTheSubjectPublicKeyInfo() throws Exception {
        assertEquals("sha256/" + OPENSSL_PIN, CertificatePins.publicKeyPin(certificate()));
    }

    @Test
    void theFingerprintIsOpensslsSha256OfTheCertificate() throws Exception {
        assertEquals(OPENSSL_FINGERPRINT, CertificatePins.fingerprint(certificate()));
    }

    @Test
    void aPinIsAcceptedWithOrWithoutItsPrefix() {
        assertEquals("sha256/" + OPENSSL_PIN, CertificatePins.normalizePublicKeyPin(OPENSSL_PIN));
        assertEquals("sha256/" + OPENSSL_PIN, CertificatePins.normalizePublicKeyPin("sha256/" + OPENSSL_PIN));
        assertEquals("sha256/" + OPENSSL_PIN, CertificatePins.normalizePublicKeyPin(" SHA256/" + OPENSSL_PIN + "\n"));
    }

    @Test
    void aPinThatIsNotTheBase64OfASha256IsRefused() {
        String shortHash = Base64.getEncoder().encodeToString(new byte[31]);
        assertThrows(IllegalArgumentException.class, () -> CertificatePins.normalizePublicKeyPin(shortHash));
        assertThrows(IllegalArgumentException.class, () -> CertificatePins.normalizePublicKeyPin("sha256/not base64!"));
        assertThrows(IllegalArgumentException.class, () -> CertificatePins.normalizePublicKeyPin("sha1/" + OPENSSL_PIN));
        assertThrows(IllegalArgumentException.class, () -> CertificatePins.normalizePublicKeyPin(""));
    }
}
