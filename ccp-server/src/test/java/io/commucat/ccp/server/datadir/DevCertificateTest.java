package io.commucat.ccp.server.datadir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.FlagOverride;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateTest {

    @TempDir
    Path data;

    @BeforeEach
    void prepare() throws Exception {
        new DataDirectoryBootstrap().prepare(new ConfigLoader(Map.of(), w -> { }).load(Optional.empty(),
                List.of(new FlagOverride("server.data_dir", "--data", data.toString()))));
    }

    @Test
    void serverCertificateChainsToTheDevCa() throws Exception {
        DevCertificateChecks.assertChainsToCa(data);
    }

    @Test
    void serverCertificateNamesLocalhostAndBothLoopbackAddresses() throws Exception {
        X509Certificate leaf = DevCertificateChecks.read(data.resolve(DataDirectory.TLS_CERT));
        Set<String> names = new HashSet<>();
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
            int type = (Integer) san.get(0);
            String value = (String) san.get(1);
            names.add(type == 7 ? InetAddress.getByName(value).getHostAddress() : value);
        }
        assertEquals(Set.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1"), names);
    }

    @Test
    void serverCertificateIsForTlsServersOnly() throws Exception {
        X509Certificate leaf = DevCertificateChecks.read(data.resolve(DataDirectory.TLS_CERT));
        assertEquals(-1, leaf.getBasicConstraints());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage());
        assertTrue(leaf.getKeyUsage()[0]);
    }

    @Test
    void caIsACaWithEcdsaP256() throws Exception {
        X509Certificate ca = DevCertificateChecks.read(data.resolve(DataDirectory.DEV_CA_CERT));
        assertEquals(0, ca.getBasicConstraints());
        assertEquals("SHA256withECDSA", ca.getSigAlgName());
        assertEquals("EC", ca.getPublicKey().getAlgorithm());
    }

    @Test
    void keyLoadsIntoAJdkKeyManager() throws Exception {
        // The JDK TLS engine path: PKCS#8 key + certificate in a KeyStore.
        X509Certificate leaf = DevCertificateChecks.read(data.resolve(DataDirectory.TLS_CERT));
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("tls", Pem.readPrivateKey(data.resolve(DataDirectory.TLS_KEY)), new char[0],
                new java.security.cert.Certificate[] {leaf});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        assertEquals(1, factory.getKeyManagers().length);
    }
}
