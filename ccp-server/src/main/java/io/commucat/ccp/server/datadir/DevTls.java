package io.commucat.ccp.server.datadir;

import io.commucat.ccp.server.datadir.DevPki.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Creates the development CA and server certificate on first start and checks them on every
 * later one. Files present are never regenerated; an incomplete or inconsistent set is an
 * error that names the file and says which files to delete.
 */
final class DevTls {

    private final Path root;
    private final DevPki pki;
    private final FileLog log;

    DevTls(Path root, DevPki pki, FileLog log) {
        this.root = root;
        this.pki = pki;
        this.log = log;
    }

    TlsMaterial prepare(Instant now) throws DataDirectoryException {
        Path caCert = root.resolve(DataDirectory.DEV_CA_CERT);
        Path caKey = root.resolve(DataDirectory.DEV_CA_KEY);
        Path cert = root.resolve(DataDirectory.TLS_CERT);
        Path key = root.resolve(DataDirectory.TLS_KEY);
        boolean haveCa = Files.exists(caCert);
        boolean haveServer = Files.exists(cert);
        requirePair(caCert, caKey);
        requirePair(cert, key);
        if (!haveCa && haveServer) {
            throw new DataDirectoryException(caCert, "missing while " + DataDirectory.TLS_CERT
                    + " exists; delete " + DataDirectory.TLS_CERT + " and " + DataDirectory.TLS_KEY + " to start over");
        }
        Issued ca = haveCa ? loadCa(caCert, caKey, now) : createCa(caCert, caKey, now);
        if (haveServer) {
            checkServer(cert, key, ca, now);
        } else {
            issueServer(cert, key, ca, now);
        }
        return new TlsMaterial(cert, key, Optional.of(caCert));
    }

    private static void requirePair(Path certificate, Path key) throws DataDirectoryException {
        if (Files.exists(certificate) != Files.exists(key)) {
            Path missing = Files.exists(certificate) ? key : certificate;
            Path present = Files.exists(certificate) ? certificate : key;
            throw new DataDirectoryException(missing, "missing while " + present.getFileName()
                    + " exists; delete " + present.getFileName() + " too to create both anew");
        }
    }

    private Issued createCa(Path caCert, Path caKey, Instant now) throws DataDirectoryException {
        try {
            Issued ca = pki.createCa(now);
            write(caKey, Pem.encodePrivateKey(ca.privateKey()), true);
            write(caCert, Pem.encodeCertificate(ca.certificate()), false);
            return ca;
        } catch (GeneralSecurityException | IOException e) {
            throw new DataDirectoryException(caCert, "cannot create the development CA (" + e.getMessage() + ")", e);
        }
    }

    private void issueServer(Path cert, Path key, Issued ca, Instant now) throws DataDirectoryException {
        try {
            Issued server = pki.issueServer(ca, now);
            write(key, Pem.encodePrivateKey(server.privateKey()), true);
            write(cert, Pem.encodeCertificate(server.certificate()), false);
        } catch (GeneralSecurityException | IOException e) {
            throw new DataDirectoryException(cert, "cannot create the TLS certificate (" + e.getMessage() + ")", e);
        }
    }

    private Issued loadCa(Path caCert, Path caKey, Instant now) throws DataDirectoryException {
        X509Certificate certificate = onlyCertificate(caCert);
        PrivateKey key = privateKey(caKey);
        if (!DevPki.matches(key, certificate.getPublicKey())) {
            throw new DataDirectoryException(caKey, "does not belong to " + DataDirectory.DEV_CA_CERT);
        }
        requireValid(caCert, certificate, now, DataDirectory.DEV_CA_CERT + ", " + DataDirectory.DEV_CA_KEY + ", "
                + DataDirectory.TLS_CERT + " and " + DataDirectory.TLS_KEY + " (then trust the new CA)");
        return new Issued(certificate, key);
    }

    private void checkServer(Path cert, Path key, Issued ca, Instant now) throws DataDirectoryException {
        X509Certificate certificate = onlyCertificate(cert);
        try {
            certificate.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new DataDirectoryException(cert, "not signed by " + DataDirectory.DEV_CA_CERT + "; delete "
                    + DataDirectory.TLS_CERT + " and " + DataDirectory.TLS_KEY + " to issue a new one", e);
        }
        if (!DevPki.matches(privateKey(key), certificate.getPublicKey())) {
            throw new DataDirectoryException(key, "does not belong to " + DataDirectory.TLS_CERT);
        }
        requireValid(cert, certificate, now, DataDirectory.TLS_CERT + " and " + DataDirectory.TLS_KEY
                + " (a new one is issued by the same CA)");
    }

    private static void requireValid(Path file, X509Certificate certificate, Instant now, String toDelete)
            throws DataDirectoryException {
        if (certificate.getNotAfter().before(Date.from(now))) {
            throw new DataDirectoryException(file, "expired on " + certificate.getNotAfter().toInstant()
                    + "; delete " + toDelete);
        }
    }

    private static X509Certificate onlyCertificate(Path file) throws DataDirectoryException {
        try {
            List<X509Certificate> certificates = Pem.readCertificates(file);
            return certificates.get(0);
        } catch (Pem.PemException e) {
            throw new DataDirectoryException(file, "corrupt: " + e.getMessage());
        } catch (IOException e) {
            throw new DataDirectoryException(file, "cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static PrivateKey privateKey(Path file) throws DataDirectoryException {
        try {
            return Pem.readPrivateKey(file);
        } catch (Pem.PemException e) {
            throw new DataDirectoryException(file, "corrupt: " + e.getMessage());
        } catch (IOException e) {
            throw new DataDirectoryException(file, "cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private void write(Path file, byte[] content, boolean secret) throws IOException {
        PrivateFiles.writeNew(file, content, secret);
        log.created(file);
    }
}
