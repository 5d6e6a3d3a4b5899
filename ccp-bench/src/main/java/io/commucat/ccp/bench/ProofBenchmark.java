package io.commucat.ccp.bench;

import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.proof.HandshakeProof;
import io.commucat.ccp.crypto.proof.HandshakeProver;
import io.commucat.ccp.crypto.proof.HandshakeVerifier;
import io.commucat.ccp.crypto.proof.ProofContext;
import io.commucat.ccp.crypto.proof.ProofException;
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
 * The CCP-1 handshake proof (§3.5): what a device pays to prove, what the server pays to verify.
 * Compare {@code verify} with {@link PrimitivesBenchmark}'s Edwards operations and BC Ed25519.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProofBenchmark {

    private DeviceKeyPair device;
    private ProofContext context;
    private HandshakeProof proof;
    private HandshakeProver prover;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        device = DeviceKeyPair.generate(random);
        byte[] clientStatic = new byte[32];
        random.nextBytes(clientStatic);
        context = new ProofContext("chat.example.com", "device-1732000000-a1b2c3", device.publicKey(), clientStatic);
        prover = new HandshakeProver(random);
        proof = prover.prove(device, context);
    }

    @Benchmark
    public HandshakeProof prove() {
        return prover.prove(device, context);
    }

    @Benchmark
    public HandshakeProof verify() throws ProofException {
        HandshakeVerifier.verify(context, proof);
        return proof;
    }
}
