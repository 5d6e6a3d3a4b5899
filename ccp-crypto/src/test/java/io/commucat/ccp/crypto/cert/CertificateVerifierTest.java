package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CertificateVerifierTest {

    private static final DeviceCertificateAuthority CA = authority(1);
    private static final DeviceCertificateAuthority OTHER_CA = authority(2);
    private static final byte[] DEVICE_KEY = new byte[32];
    private static final DeviceCertificate CERT = CA.issue(7, "user-1", "device-1", DEVICE_KEY, 1_700_000_000L);

    private static DeviceCertificateAuthority authority(int seedByte) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) seedByte);
        return new DeviceCertificateAuthority(DeviceCaKeyPair.fromSeed(seed));
    }

    private static Kind rejection(DeviceCertificate certificate) {
        return assertThrows(CertificateException.class, () -> CA.verifier().verify(certificate)).kind();
    }

    private static CertificateFields withDevice(CertificateFields f, String deviceId) {
        return new CertificateFields(f.serial(), f.userId(), deviceId, f.publicKey(), f.issuer(), f.issuedAt(), f.expiresAt());
    }

    @Test
    void certificateIssuedByTheCaVerifies() {
        assertDoesNotThrow(() -> CA.verifier().verify(CERT));
    }

    @Test
    void tamperedSignatureIsABadSignature() {
        byte[] signature = CERT.signature();
        signature[10] ^= 0x40;
        assertEquals(Kind.BAD_SIGNATURE, rejection(new DeviceCertificate(CERT.fields(), signature)));
    }

    @Test
    void tamperedFieldIsABadSignature() {
        assertEquals(Kind.BAD_SIGNATURE, rejection(new DeviceCertificate(withDevice(CERT.fields(), "device-2"), CERT.signature())));
    }

    @Test
    void certificateOfAnotherCaIsAnUntrustedIssuer() {
        assertEquals(Kind.UNTRUSTED_ISSUER, rejection(OTHER_CA.issue(7, "user-1", "device-1", DEVICE_KEY, 1_700_000_000L)));
    }

    @Test
    void anotherCasSignatureUnderOurIssuerIsABadSignature() {
        CertificateFields f = CERT.fields();
        CertificateFields foreign = new CertificateFields(f.serial(), f.userId(), f.deviceId(), f.publicKey(),
                OTHER_CA.publicKey(), f.issuedAt(), f.expiresAt());
        byte[] foreignSignature = OTHER_CA.sign(foreign).signature();
        assertEquals(Kind.BAD_SIGNATURE, rejection(new DeviceCertificate(f, foreignSignature)));
    }

    @Test
    void caPublicKeyMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new CertificateVerifier(new byte[31]));
    }
}
