package io.commucat.ccp.server.datadir;

import io.commucat.ccp.server.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Checks the operator's {@code server.tls_cert} / {@code server.tls_key} at start-up, so a
 * wrong file fails with the key's name instead of deep inside the TLS engine.
 */
final class ConfiguredTls {

    private ConfiguredTls() {
    }

    static TlsMaterial check(Path certFile, Path keyFile) throws ConfigException {
        List<X509Certificate> chain;
        try {
            chain = Pem.readCertificates(certFile);
        } catch (Pem.PemException e) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, "server.tls_cert", certFile + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(ConfigException.Kind.UNREADABLE_FILE, "server.tls_cert", "cannot read " + certFile, e);
        }
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(keyFile);
        } catch (Pem.PemException e) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, "server.tls_key", keyFile + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(ConfigException.Kind.UNREADABLE_FILE, "server.tls_key", "cannot read " + keyFile, e);
        }
        if (!DevPki.matches(key, chain.get(0).getPublicKey())) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, "server.tls_key",
                    keyFile + " does not belong to the first certificate of " + certFile);
        }
        return new TlsMaterial(certFile, keyFile, Optional.empty());
    }
}
