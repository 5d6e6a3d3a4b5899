package io.commucat.ccp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.FlagOverride;
import io.commucat.ccp.server.config.SecretBytes;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.TlsMaterial;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessHintTest {

    private static final Path ROOT = Path.of("/srv/ccp");

    private static ServerConfig bind(String bind) throws Exception {
        return new ConfigLoader(Map.of(), w -> { }).load(Optional.empty(), List.of(new FlagOverride("server.bind", "--bind", bind)));
    }

    private static DataDirectory dev() {
        return new DataDirectory(ROOT, new TlsMaterial(ROOT.resolve("tls-cert.pem"), ROOT.resolve("tls-key.pem"),
                Optional.of(ROOT.resolve("dev-ca.pem"))), SecretBytes.of(new byte[32]), SecretBytes.of(new byte[32]), List.of());
    }

    @Test
    void wildcardBindIsReachedAsLocalhost() throws Exception {
        assertEquals("reach it with: curl --cacert /srv/ccp/dev-ca.pem https://localhost:9000/healthz",
                AccessHint.curl(bind("0.0.0.0:9000"), dev(), 9000));
    }

    @Test
    void otherAddressIsReachedUnderTheCertificatesName() throws Exception {
        assertEquals("reach it with: curl --cacert /srv/ccp/dev-ca.pem --resolve localhost:9000:10.0.0.5"
                + " https://localhost:9000/healthz", AccessHint.curl(bind("10.0.0.5:9000"), dev(), 9000));
    }
}
