package io.commucat.ccp.server.datadir;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The development PKI: a self-signed CA and a TLS server certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}, both ECDSA P-256 with SHA-256. P-256 rather than Ed25519
 * because {@code ecdsa_secp256r1_sha256} is mandatory in TLS 1.3 (RFC 8446 §9.1): the JDK
 * engine, BoringSSL/OpenSSL through netty-tcnative, curl and browsers all accept it, while
 * Ed25519 server certificates are refused by browsers and unevenly supported by TLS stacks.
 */
final class DevPki {

    static final String SIGNATURE = "SHA256withECDSA";
    /** Long enough to trust once per machine; it never leaves the data directory. */
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** The most any TLS client accepts for a server certificate (397 days, CA/Browser Forum). */
    static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    /** Tolerates clocks slightly behind ours. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** A certificate and its private key. */
    record Issued(X509Certificate certificate, PrivateKey privateKey) {
    }

    private final SecureRandom random;

    DevPki(SecureRandom random) {
        this.random = random;
    }

    Issued createCa(Instant now) throws GeneralSecurityException, IOException {
        KeyPair keys = newKeyPair();
        byte[] id = new byte[4];
        random.nextBytes(id);
        // A distinct name per data directory, so several trusted dev CAs can be told apart.
        X500Name name = new X500Name("CN=CCP development CA " + HexFormat.of().formatHex(id) + ",O=CCP development");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
        return new Issued(sign(builder, keys.getPrivate()), keys.getPrivate());
    }

    Issued issueServer(Issued ca, Instant now) throws GeneralSecurityException, IOException {
        KeyPair keys = newKeyPair();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(SERVER_VALIDITY)),
                new X500Name("CN=localhost"), keys.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.iPAddress, "::1")}));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                extensions.createAuthorityKeyIdentifier(ca.certificate()));
        return new Issued(sign(builder, ca.privateKey()), keys.getPrivate());
    }

    /** {@code true} when {@code key} is the private half of {@code publicKey} (by signing a probe). */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return true; // Unknown algorithm: let the TLS engine be the judge.
        }
        try {
            byte[] probe = "ccp key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private BigInteger serial() {
        // 127 random bits: positive, unique, unpredictable (RFC 5280 allows up to 20 octets).
        return new BigInteger(127, random).setBit(0);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, CertIOException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
