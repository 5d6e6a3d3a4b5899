package io.commucat.ccp.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.crypto.cert.CertificateVerifier;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseHandshake;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.crypto.proof.HandshakeProof;
import io.commucat.ccp.crypto.proof.HandshakeProver;
import io.commucat.ccp.crypto.proof.HandshakeVerifier;
import io.commucat.ccp.crypto.proof.ProofContext;
import io.commucat.ccp.proto.ControlJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The server's cryptography per bootstrap, timed on the calling thread with the very classes
 * the server runs: the Noise responder's steps (read message 1, write message 2 with an
 * Auth-sized payload, read message 3 or the IK key confirmation, split), the proof
 * verification (§3.5), and the certificate work (§3.6: parse and verify a presented one, or
 * issue one). The device's steps of each Noise handshake run on the same thread but outside
 * the timed sections. Thread CPU time, not wall time, so a busy neighbour does not count.
 */
final class CryptoCeiling {

    /** Roughly what the server puts in message 2 (session, domain, version, user); as HandshakeBenchmark. */
    private static final byte[] AUTH_PAYLOAD = ("{\"domain\":\"localhost\",\"protocol_version\":1,"
            + "\"session\":\"6f1c0a9e5b7d4e2f8a3c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f\","
            + "\"user\":{\"avatar_url\":null,\"display_name\":null,\"handle\":\"load-1\",\"id\":\"u-7f3a9c\","
            + "\"user_id\":\"u-7f3a9c\"},\"user_id\":\"u-7f3a9c\"}").getBytes(StandardCharsets.UTF_8);

    /** Mean thread-CPU microseconds of each operation. */
    record Result(double noiseXk, double noiseIk, double proofVerify, double certificateVerify,
            double certificateIssue) {

        double noise(NoisePattern pattern) {
            return pattern == NoisePattern.XK ? noiseXk : noiseIk;
        }

        /** Known device: proof + presented certificate. New device: proof + a certificate issued. */
        double bootstrap(NoisePattern pattern, boolean knownDevice) {
            return noise(pattern) + proofVerify + (knownDevice ? certificateVerify : certificateIssue);
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final byte[] prologue;
    private final String domain;
    private final Duration warmup;
    private final Duration measure;
    private final ThreadCpu cpu = new ThreadCpu();

    CryptoCeiling(String domain, byte[] prologue, Duration warmup, Duration measure) {
        this.domain = domain;
        this.prologue = prologue.clone();
        this.warmup = warmup;
        this.measure = measure;
    }

    Result run() throws Exception {
        return new Result(noise(NoisePattern.XK), noise(NoisePattern.IK), proofVerify(), certificateVerify(),
                certificateIssue());
    }

    private double noise(NoisePattern pattern) throws Exception {
        NoiseKeyPair server = NoiseKeyPair.generate(random);
        NoiseKeyPair device = NoiseKeyPair.generate(random);
        return timeSections(() -> {
            NoiseHandshake initiator = NoiseHandshake.initiator(pattern, device, server.publicKey(), prologue);
            byte[] m1 = initiator.writeMessage(new byte[0]);
            long start = cpu.now();
            NoiseHandshake responder = NoiseHandshake.responder(pattern, server, prologue);
            responder.readMessage(m1);
            byte[] m2 = responder.writeMessage(AUTH_PAYLOAD);
            long spent = cpu.now() - start;
            initiator.readMessage(m2);
            byte[] last = pattern == NoisePattern.XK ? initiator.writeMessage(new byte[0])
                    : initiator.split().encrypt(new byte[0]);
            start = cpu.now();
            if (pattern == NoisePattern.XK) {
                responder.readMessage(last);
                responder.split();
            } else {
                responder.split().decrypt(last);
            }
            return spent + cpu.now() - start;
        });
    }

    private double proofVerify() throws Exception {
        DeviceKeyPair device = DeviceKeyPair.generate(random);
        ProofContext context = new ProofContext(domain, "load-device-0000000000000001", device.publicKey(),
                NoiseKeyPair.generate(random).publicKey());
        HandshakeProof proof = new HandshakeProver(random).prove(device, context);
        return timeWhole(() -> HandshakeVerifier.verify(context, proof));
    }

    /** As a Hello carries it: the JSON object is parsed into a certificate, then verified. */
    private double certificateVerify() throws Exception {
        DeviceCertificateAuthority ca = new DeviceCertificateAuthority(DeviceCaKeyPair.generate(random));
        CertificateVerifier verifier = ca.verifier();
        DeviceCertificate issued = ca.issue(42, "u-7f3a9c", "load-device-0000000000000001",
                DeviceKeyPair.generate(random).publicKey(), System.currentTimeMillis() / 1000);
        byte[] wire = ControlJson.write(issued.toJson());
        JsonNode node = ControlJson.parseObject(wire, 0, wire.length);
        return timeWhole(() -> verifier.verify(DeviceCertificate.fromJson(node)));
    }

    private double certificateIssue() throws Exception {
        DeviceCertificateAuthority ca = new DeviceCertificateAuthority(DeviceCaKeyPair.generate(random));
        byte[] key = DeviceKeyPair.generate(random).publicKey();
        long[] serial = {1};
        return timeWhole(() -> ca.issue(serial[0]++, "u-7f3a9c", "load-device-0000000000000001", key,
                System.currentTimeMillis() / 1000, Duration.ofDays(30)));
    }

    /** One iteration; returns the CPU nanoseconds of its timed sections. */
    @FunctionalInterface
    private interface Sections {
        long run() throws Exception;
    }

    @FunctionalInterface
    private interface Operation {
        void run() throws Exception;
    }

    private double timeWhole(Operation op) throws Exception {
        return timeSections(() -> {
            long start = cpu.now();
            op.run();
            return cpu.now() - start;
        });
    }

    /** Runs {@code sections} for the warm-up, then for the measurement; mean µs of the timed parts. */
    private double timeSections(Sections sections) throws Exception {
        long until = System.nanoTime() + warmup.toNanos();
        while (System.nanoTime() < until) {
            sections.run();
        }
        long spent = 0;
        long count = 0;
        until = System.nanoTime() + measure.toNanos();
        while (System.nanoTime() < until) {
            spent += sections.run();
            count++;
        }
        return spent / 1000.0 / count;
    }
}
