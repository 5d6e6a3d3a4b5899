package io.commucat.ccp.client;

import java.nio.file.Path;
import java.util.Objects;

/** Which server certificates a {@link CcpClient} accepts. */
public sealed interface Trust {

    /** The JDK's default trust store: a server with a certificate from a public CA. */
    static Trust systemStore() {
        return SystemStore.INSTANCE;
    }

    /** Only the CA certificates in this PEM file (e.g. a development server's {@code dev-ca.pem}). */
    static Trust certificates(Path pemFile) {
        return new Certificates(pemFile);
    }

    /** The JDK's trust store. */
    enum SystemStore implements Trust {
        INSTANCE
    }

    /** CA certificates from a PEM file. */
    record Certificates(Path pemFile) implements Trust {
        public Certificates {
            Objects.requireNonNull(pemFile, "pemFile");
        }
    }
}
