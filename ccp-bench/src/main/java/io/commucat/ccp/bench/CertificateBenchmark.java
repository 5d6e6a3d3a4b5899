package io.commucat.ccp.bench;

import io.commucat.ccp.crypto.cert.CertificateException;
import io.commucat.ccp.crypto.cert.CertificateVerifier;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Device certificates (§3.6): issuing (canonical JSON + Ed25519 sign) and verifying a received
 * wire certificate (parse + canonical bytes + Ed25519 verify). Compare with {@link
 * PrimitivesBenchmark}'s Ed25519 sign and verify.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CertificateBenchmark {

    private DeviceCertificateAuthority ca;
    private CertificateVerifier verifier;
    private byte[] devicePublic;
    private String wire;
    private DeviceCertificate certificate;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        ca = new DeviceCertificateAuthority(DeviceCaKeyPair.generate(random));
        verifier = ca.verifier();
        devicePublic = DeviceKeyPair.generate(random).publicKey();
        certificate = ca.issue(42, "u-7f3a9c", "device-1732000000-a1b2c3", devicePublic, 1_763_683_200L);
        wire = certificate.toWireJson();
    }

    @Benchmark
    public DeviceCertificate sign() {
        return ca.issue(42, "u-7f3a9c", "device-1732000000-a1b2c3", devicePublic, 1_763_683_200L);
    }

    @Benchmark
    public DeviceCertificate verify() throws CertificateException {
        verifier.verify(certificate);
        return certificate;
    }

    /** What the server does with a certificate in a Hello: parse the wire JSON, then verify. */
    @Benchmark
    public DeviceCertificate parseAndVerify() throws CertificateException {
        DeviceCertificate parsed = DeviceCertificate.parse(wire);
        verifier.verify(parsed);
        return parsed;
    }
}
