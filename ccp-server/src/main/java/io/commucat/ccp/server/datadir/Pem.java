package io.commucat.ccp.server.datadir;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM in and out. Keys are written and accepted only as unencrypted PKCS#8
 * ({@code BEGIN PRIVATE KEY}), the one form both Netty TLS engines (JDK and OpenSSL) load.
 * Uses the JDK's providers; Bouncy Castle is not registered globally.
 */
final class Pem {

    private Pem() {
    }

    static byte[] encodeCertificate(X509Certificate certificate) throws IOException {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    static byte[] encodePrivateKey(PrivateKey key) throws IOException {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IOException("private key is not PKCS#8 encodable: " + key.getFormat());
        }
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /**
     * Reads every certificate of a PEM file, in order.
     *
     * @throws PemException when the file holds no certificate or something else
     */
    static List<X509Certificate> readCertificates(Path file) throws IOException, PemException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (!(item instanceof X509CertificateHolder holder)) {
                    throw new PemException("expected only certificates, found " + describe(item));
                }
                certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
        } catch (CertificateException | IllegalArgumentException | IllegalStateException e) {
            throw new PemException("not a valid PEM certificate (" + e.getMessage() + ")");
        } catch (IOException e) {
            if (Files.isReadable(file)) {
                throw new PemException("not a valid PEM certificate (" + e.getMessage() + ")");
            }
            throw e;
        }
        if (certificates.isEmpty()) {
            throw new PemException("no PEM certificate in the file");
        }
        return List.copyOf(certificates);
    }

    /** Reads the one unencrypted PKCS#8 private key of a PEM file. */
    static PrivateKey readPrivateKey(Path file) throws IOException, PemException {
        Object item;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            item = parser.readObject();
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            if (e instanceof IOException io && !Files.isReadable(file)) {
                throw io;
            }
            throw new PemException("not a valid PEM private key (" + e.getMessage() + ")");
        }
        if (item instanceof PEMKeyPair) {
            throw new PemException("a PKCS#1/SEC1 key; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        if (item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair) {
            throw new PemException("an encrypted key; the server needs it unencrypted (PKCS#8, mode 0600)");
        }
        if (!(item instanceof PrivateKeyInfo info)) {
            throw new PemException(item == null ? "no PEM private key in the file" : "expected a private key, found " + describe(item));
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException | RuntimeException e) {
            throw new PemException("not a usable private key (" + e.getMessage() + ")");
        }
    }

    private static String describe(Object item) {
        return item.getClass().getSimpleName();
    }

    private static byte[] encode(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The content of a PEM file is not what it should be. */
    static final class PemException extends Exception {

        private static final long serialVersionUID = 1L;

        PemException(String message) {
            super(message);
        }
    }
}
