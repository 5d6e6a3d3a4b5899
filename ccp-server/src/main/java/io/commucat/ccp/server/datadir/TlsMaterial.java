package io.commucat.ccp.server.datadir;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The TLS files the listener loads: PEM certificate chain and unencrypted PKCS#8 private key.
 *
 * @param developmentCa the dev CA certificate that clients must trust; empty when the
 *                      certificate comes from {@code server.tls_cert} / {@code server.tls_key}
 */
public record TlsMaterial(Path certificateChain, Path privateKey, Optional<Path> developmentCa) {

    /** {@code true} for the generated development certificate. */
    public boolean development() {
        return developmentCa.isPresent();
    }
}
