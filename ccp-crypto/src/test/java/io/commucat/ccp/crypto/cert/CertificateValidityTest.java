package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import org.junit.jupiter.api.Test;

class CertificateValidityTest {

    private static final long ISSUED = 1_000_000L;
    private static final long EXPIRES = 2_000_000L;

    private static CertificateFields fields(long issuedAt, long expiresAt) {
        return new CertificateFields(1, "user-1", "device-1", new byte[32], new byte[32], issuedAt, expiresAt);
    }

    private static Kind rejection(CertificateFields f, String userId, String deviceId, long now) {
        return assertThrows(CertificateException.class, () -> CertificateValidity.check(f, userId, deviceId, now)).kind();
    }

    @Test
    void certificateWithinItsWindowNamingThisDeviceAndUserIsValid() {
        assertDoesNotThrow(() -> CertificateValidity.check(fields(ISSUED, EXPIRES), "user-1", "device-1", ISSUED + 10));
    }

    @Test
    void issuedAtEqualToExpiresAtIsAnInvalidWindow() {
        assertEquals(Kind.INVALID_VALIDITY_WINDOW, rejection(fields(ISSUED, ISSUED), "user-1", "device-1", ISSUED - 1));
    }

    @Test
    void issuedAfterExpiryIsAnInvalidWindow() {
        assertEquals(Kind.INVALID_VALIDITY_WINDOW, rejection(fields(EXPIRES, ISSUED), "user-1", "device-1", ISSUED));
    }

    @Test
    void certificateIsExpiredAtItsExpiryInstant() {
        assertEquals(Kind.EXPIRED, rejection(fields(ISSUED, EXPIRES), "user-1", "device-1", EXPIRES));
    }

    @Test
    void certificateIsValidOneSecondBeforeExpiry() {
        assertDoesNotThrow(() -> CertificateValidity.checkWindow(fields(ISSUED, EXPIRES), EXPIRES - 1));
    }

    @Test
    void issuedExactly300SecondsAheadIsTolerated() {
        assertDoesNotThrow(() -> CertificateValidity.checkWindow(fields(ISSUED, EXPIRES), ISSUED - 300));
    }

    @Test
    void issuedMoreThan300SecondsAheadIsNotYetValid() {
        assertEquals(Kind.NOT_YET_VALID, rejection(fields(ISSUED, EXPIRES), "user-1", "device-1", ISSUED - 301));
    }

    @Test
    void nowNearTheLargestInstantDoesNotOverflow() {
        assertDoesNotThrow(() -> CertificateValidity.checkWindow(fields(Long.MAX_VALUE - 10, Long.MAX_VALUE), Long.MAX_VALUE - 1));
    }

    @Test
    void certificateForAnotherDeviceIsWrongDevice() {
        assertEquals(Kind.WRONG_DEVICE, rejection(fields(ISSUED, EXPIRES), "user-1", "device-2", ISSUED));
    }

    @Test
    void certificateForAnotherUserIsWrongUser() {
        assertEquals(Kind.WRONG_USER, rejection(fields(ISSUED, EXPIRES), "user-2", "device-1", ISSUED));
    }

    @Test
    void windowIsCheckedBeforeTheSubject() {
        assertEquals(Kind.EXPIRED, rejection(fields(ISSUED, EXPIRES), "user-2", "device-2", EXPIRES + 1));
    }
}
