package io.commucat.ccp.crypto.noise;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Noise XK and IK handshakes on both engines: the full handshake (both sides) and the server's
 * (responder's) share alone.
 *
 * <p>The responder's share is measured by replaying recorded transcripts: in setup, each
 * transcript is made with a known responder ephemeral key; the benchmark derives that key's
 * public half (the same fixed-base multiplication a fresh ephemeral costs) and runs exactly the
 * server's steps: read message 1, write message 2 with an Auth-sized payload, read message 3
 * (XK) or decrypt the key confirmation (IK), split. That needs the engines' test-only
 * fixed-ephemeral hook, hence this class lives in the engines' package.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HandshakeBenchmark {

    private static final byte[] PROLOGUE = "commucat".getBytes(StandardCharsets.US_ASCII);
    /** Roughly what the server puts in message 2 (session, domain, version, user). */
    private static final byte[] AUTH_PAYLOAD = ("{\"domain\":\"chat.example.com\",\"protocol_version\":1,"
            + "\"session\":\"6f1c0a9e5b7d4e2f8a3c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f\","
            + "\"user\":{\"avatar_url\":null,\"display_name\":\"Alice\",\"handle\":\"alice\",\"id\":\"u-7f3a9c\","
            + "\"user_id\":\"u-7f3a9c\"},\"user_id\":\"u-7f3a9c\"}").getBytes(StandardCharsets.UTF_8);
    private static final int TRANSCRIPTS = 64;

    @Param({"FAST", "NOISE_JAVA"})
    NoiseEngine engine;

    @Param({"XK", "IK"})
    NoisePattern pattern;

    private final SecureRandom random = new SecureRandom();
    private NoiseKeyPair serverStatic;
    private NoiseKeyPair deviceStatic;
    private Transcript[] transcripts;
    private int next;

    /** What the device sent in one recorded handshake, and the server ephemeral it met. */
    private record Transcript(byte[] ephemeralPrivate, byte[] message1, byte[] message3OrConfirmation) {
    }

    @Setup
    public void setUp() throws NoiseException {
        serverStatic = NoiseKeyPair.generate(random);
        deviceStatic = NoiseKeyPair.generate(random);
        transcripts = new Transcript[TRANSCRIPTS];
        for (int i = 0; i < TRANSCRIPTS; i++) {
            NoiseKeyPair ephemeral = NoiseKeyPair.generate(random);
            NoiseHandshake device = engine.initiator(pattern, deviceStatic, serverStatic.publicKey(), PROLOGUE);
            NoiseHandshake server = engine.withFixedEphemeralForTesting(NoiseRole.RESPONDER, pattern, serverStatic,
                    null, PROLOGUE, ephemeral);
            byte[] m1 = device.writeMessage(new byte[0]);
            server.readMessage(m1);
            device.readMessage(server.writeMessage(AUTH_PAYLOAD));
            byte[] last = pattern == NoisePattern.XK
                    ? device.writeMessage(new byte[0])
                    : device.split().encrypt(new byte[0]);
            transcripts[i] = new Transcript(ephemeral.privateKey(), m1, last);
        }
    }

    /** Both sides of a handshake with fresh ephemerals, up to both transports. */
    @Benchmark
    public NoiseTransport fullHandshake() throws NoiseException {
        NoiseHandshake device = engine.initiator(pattern, deviceStatic, serverStatic.publicKey(), PROLOGUE);
        NoiseHandshake server = engine.responder(pattern, serverStatic, PROLOGUE);
        server.readMessage(device.writeMessage(new byte[0]));
        device.readMessage(server.writeMessage(AUTH_PAYLOAD));
        if (pattern == NoisePattern.XK) {
            server.readMessage(device.writeMessage(new byte[0]));
            device.split();
            return server.split();
        }
        NoiseTransport serverTransport = server.split();
        serverTransport.decrypt(device.split().encrypt(new byte[0]));
        return serverTransport;
    }

    /** The server's steps only (see the class comment). */
    @Benchmark
    public NoiseTransport responderShare() throws NoiseException {
        Transcript t = transcripts[next];
        next = (next + 1) % TRANSCRIPTS;
        NoiseKeyPair ephemeral = NoiseKeyPair.fromPrivateKey(t.ephemeralPrivate());
        NoiseHandshake server = engine.withFixedEphemeralForTesting(NoiseRole.RESPONDER, pattern, serverStatic,
                null, PROLOGUE, ephemeral);
        server.readMessage(t.message1());
        server.writeMessage(AUTH_PAYLOAD);
        if (pattern == NoisePattern.XK) {
            server.readMessage(t.message3OrConfirmation());
            return server.split();
        }
        NoiseTransport transport = server.split();
        transport.decrypt(t.message3OrConfirmation());
        return transport;
    }
}
