package io.commucat.ccp.bench.load;

import io.commucat.ccp.crypto.noise.NoisePattern;

/**
 * One load shape.
 *
 * @param tlsPerHandshake true: a new TLS connection per bootstrap ("TLS included"); false: the
 *     bootstraps are {@code /connect} streams over already-open connections ("TLS excluded")
 * @param knownDevice true: registered devices reconnect presenting their certificate (the
 *     steady state); false: every bootstrap registers a new device (and its user) and is issued
 *     a certificate
 */
record Scenario(NoisePattern pattern, boolean tlsPerHandshake, boolean knownDevice) {

    String tlsLabel() {
        return tlsPerHandshake ? "included" : "excluded";
    }

    String deviceLabel() {
        return knownDevice ? "known" : "new";
    }

    @Override
    public String toString() {
        return pattern + ", TLS " + tlsLabel() + ", " + deviceLabel() + " device";
    }
}
