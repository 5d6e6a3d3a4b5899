package io.commucat.ccp.client;

import io.commucat.ccp.client.transport.CertificatePins;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which server certificates a {@link CcpClient} accepts. With {@link #systemStore()} and {@link
 * #certificates} the server's host name is checked against its certificate; a pin ({@link
 * #pinnedCertificate}, {@link #pinnedPublicKey}) is the whole decision instead: whoever issued
 * the certificate, whatever names and dates it carries, the server is accepted when it presents
 * the pinned certificate or key (and, as in every TLS handshake, proves it holds the key). A
 * mismatch fails the connection with a message naming the expected and the presented pin.
 * Immutable values.
 */
public sealed interface Trust {

    /** The JDK's default trust store: a server with a certificate from a public CA. */
    static Trust systemStore() {
        return SystemStore.INSTANCE;
    }

    /** Only the CA certificates in this PEM file (e.g. a development server's {@code dev-ca.pem}). */
    static Trust certificates(Path pemFile) {
        return new Certificates(pemFile);
    }

    /**
     * Exactly the server whose certificate is the first one in this PEM file (e.g. a server's
     * {@code tls-cert.pem}), whatever CA issued it. The file is read when the client connects.
     */
    static Trust pinnedCertificate(Path pemFile) {
        return new PinnedCertificate(pemFile);
    }

    /**
     * Exactly the server whose certificate carries this public key: the base64 SHA-256 of its
     * SubjectPublicKeyInfo, with or without the {@code sha256/} prefix of HPKP and OkHttp's
     * {@code CertificatePinner} (how to compute it: {@link CertificatePins}).
     *
     * @throws IllegalArgumentException when {@code sha256Base64} is not the base64 of 32 bytes
     */
    static Trust pinnedPublicKey(String sha256Base64) {
        return new PinnedPublicKey(sha256Base64);
    }

    /** The JDK's trust store. */
    enum SystemStore implements Trust {
        /** The one system-store trust. */
        INSTANCE
    }

    /** CA certificates from a PEM file. */
    record Certificates(Path pemFile) implements Trust {
        /** @throws NullPointerException without a file */
        public Certificates {
            Objects.requireNonNull(pemFile, "pemFile");
        }
    }

    /** One server certificate, the first in a PEM file. */
    record PinnedCertificate(Path pemFile) implements Trust {
        /** @throws NullPointerException without a file */
        public PinnedCertificate {
            Objects.requireNonNull(pemFile, "pemFile");
        }
    }

    /**
     * One server public key.
     *
     * @param pin {@code sha256/} and the base64 SHA-256 of the key's SubjectPublicKeyInfo
     *     (normalized: the prefix is added when missing)
     */
    record PinnedPublicKey(String pin) implements Trust {
        /** @throws IllegalArgumentException when {@code pin} is not a base64 SHA-256 */
        public PinnedPublicKey {
            pin = CertificatePins.normalizePublicKeyPin(Objects.requireNonNull(pin, "pin"));
        }
    }
}
