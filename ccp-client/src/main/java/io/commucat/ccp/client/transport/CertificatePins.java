package io.commucat.ccp.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;

/**
 * Pins of a server's TLS certificate. A public-key pin is written as in HPKP (RFC 7469) and
 * OkHttp's {@code CertificatePinner}: {@code sha256/} and the standard base64 of the SHA-256 of
 * the certificate's DER SubjectPublicKeyInfo. The same value comes out of
 * {@code openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl
 * dgst -sha256 -binary | openssl base64}. Static helpers; thread-safe.
 */
public final class CertificatePins {

    private static final String PREFIX = "sha256/";
    private static final int SHA256_BYTES = 32;

    private CertificatePins() {
    }

    /** The public-key pin of {@code certificate}, {@code sha256/...}. */
    public static String publicKeyPin(X509Certificate certificate) {
        return PREFIX + Base64.getEncoder().encodeToString(sha256(certificate.getPublicKey().getEncoded()));
    }

    /**
     * {@code pin} in the form {@link #publicKeyPin} writes: accepts it with or without the
     * {@code sha256/} prefix, and surrounding blanks.
     *
     * @throws IllegalArgumentException unless it is the base64 of 32 bytes
     */
    public static String normalizePublicKeyPin(String pin) {
        return PREFIX + Base64.getEncoder().encodeToString(publicKeyPinBytes(pin));
    }

    /** The SHA-256 a public-key pin names. */
    static byte[] publicKeyPinBytes(String pin) {
        String value = pin.strip();
        if (value.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
            value = value.substring(PREFIX.length());
        }
        byte[] hash;
        try {
            hash = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            hash = null;
        }
        if (hash == null || hash.length != SHA256_BYTES) {
            throw new IllegalArgumentException("not a public-key pin: expected sha256/ and the base64 of a SHA-256"
                    + " (44 characters ending in =)");
        }
        return hash;
    }

    /** The SHA-256 fingerprint of the whole certificate, as {@code openssl x509 -fingerprint -sha256} prints it. */
    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            return "(not encodable)";
        }
    }

    /**
     * The first certificate of a PEM file (for a chain file, its leaf).
     *
     * @throws IOException when the file cannot be read or holds no certificate
     */
    public static X509Certificate readCertificate(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Iterator<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in).iterator();
            if (certificates.hasNext() && certificates.next() instanceof X509Certificate first) {
                return first;
            }
        } catch (CertificateException e) {
            throw new IOException("cannot parse the certificate in " + pemFile + ": " + e.getMessage(), e);
        }
        throw new IOException("no certificate in " + pemFile);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
