package io.commucat.ccp.server.datadir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/** Validates the generated certificates with nothing but the JDK. */
final class DevCertificateChecks {

    private DevCertificateChecks() {
    }

    static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** PKIX-validates tls-cert.pem against dev-ca.pem as the only trust anchor. */
    static void assertChainsToCa(Path data) throws Exception {
        X509Certificate ca = read(data.resolve(DataDirectory.DEV_CA_CERT));
        X509Certificate leaf = read(data.resolve(DataDirectory.TLS_CERT));
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
        assertEquals(ca.getSubjectX500Principal(), leaf.getIssuerX500Principal());
    }
}
