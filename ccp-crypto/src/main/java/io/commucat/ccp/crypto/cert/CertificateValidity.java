package io.commucat.ccp.crypto.cert;

import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import java.util.Objects;

/**
 * The date and subject checks that the server applies to a presented certificate (spec §3.2
 * step 7), after {@link CertificateVerifier}. A certificate is valid on {@code [issued_at, expires_at)},
 * tolerating issuers whose clock runs up to {@link #MAX_FUTURE_ISSUE_SECONDS} ahead.
 */
public final class CertificateValidity {

    /** How far in the future {@code issued_at} may lie, in seconds. */
    public static final long MAX_FUTURE_ISSUE_SECONDS = 300;

    private CertificateValidity() {
    }

    /**
     * Checks the window, then the subject.
     *
     * @param now Unix seconds
     * @throws CertificateException of the first failing check's kind
     */
    public static void check(CertificateFields fields, String userId, String deviceId, long now)
            throws CertificateException {
        checkWindow(fields, now);
        checkSubject(fields, userId, deviceId);
    }

    /**
     * @param now Unix seconds
     * @throws CertificateException {@link Kind#INVALID_VALIDITY_WINDOW} when {@code issued_at >= expires_at},
     *     {@link Kind#EXPIRED} when {@code now >= expires_at}, {@link Kind#NOT_YET_VALID} when
     *     {@code issued_at > now + 300}
     */
    public static void checkWindow(CertificateFields fields, long now) throws CertificateException {
        if (fields.issuedAt() >= fields.expiresAt()) {
            throw new CertificateException(Kind.INVALID_VALIDITY_WINDOW, "certificate expires before it is issued");
        }
        if (now >= fields.expiresAt()) {
            throw new CertificateException(Kind.EXPIRED, "certificate has expired");
        }
        // Written as a subtraction guard so that now + 300 cannot overflow.
        if (now <= Long.MAX_VALUE - MAX_FUTURE_ISSUE_SECONDS && fields.issuedAt() > now + MAX_FUTURE_ISSUE_SECONDS) {
            throw new CertificateException(Kind.NOT_YET_VALID, "certificate is issued in the future");
        }
    }

    /**
     * @throws CertificateException {@link Kind#WRONG_DEVICE} or {@link Kind#WRONG_USER} when the
     *     certificate names another device or user
     */
    public static void checkSubject(CertificateFields fields, String userId, String deviceId)
            throws CertificateException {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        if (!fields.deviceId().equals(deviceId)) {
            throw new CertificateException(Kind.WRONG_DEVICE, "certificate names another device");
        }
        if (!fields.userId().equals(userId)) {
            throw new CertificateException(Kind.WRONG_USER, "certificate names another user");
        }
    }
}
