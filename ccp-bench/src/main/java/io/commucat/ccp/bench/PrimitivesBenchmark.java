package io.commucat.ccp.bench;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.Scalar;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
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
 * The primitive operations every higher figure is compared with, measured in the same run: the
 * "ceiling" a handshake or a proof cannot beat. Sizes match what the protocol hashes and seals.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PrimitivesBenchmark {

    private final byte[] xPrivate = new byte[32];
    private final byte[] xPeerPublic = new byte[32];
    private final byte[] xOut = new byte[32];
    private KeyAgreement jdkAgreement;
    private KeyPair jdkLocal;
    private KeyPair jdkPeer;

    private final byte[] edSecret = new byte[32];
    private final byte[] edPublic = new byte[32];
    private final byte[] message = new byte[200];
    private final byte[] signature = new byte[64];

    private final byte[] data64 = new byte[64];
    private final byte[] data150 = new byte[150];
    private final byte[] out32 = new byte[32];
    private final byte[] out64 = new byte[64];
    private final byte[] key32 = new byte[32];
    private final byte[] nonce12 = new byte[12];
    private final byte[] sealed64 = new byte[64 + 16];
    private Cipher jdkChaCha;

    private byte[] pointA;
    private byte[] pointR;
    private Scalar scalarC;
    private Scalar scalarS;
    private EdwardsPoint decodedA;

    @Setup
    public void setUp() throws GeneralSecurityException, InvalidEncodingException {
        SecureRandom random = new SecureRandom();
        random.nextBytes(xPrivate);
        byte[] peerPrivate = new byte[32];
        random.nextBytes(peerPrivate);
        X25519.generatePublicKey(peerPrivate, 0, xPeerPublic, 0);
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("X25519");
        jdkLocal = kpg.generateKeyPair();
        jdkPeer = kpg.generateKeyPair();
        jdkAgreement = KeyAgreement.getInstance("X25519");

        random.nextBytes(edSecret);
        Ed25519.generatePublicKey(edSecret, 0, edPublic, 0);
        random.nextBytes(message);
        Ed25519.sign(edSecret, 0, message, 0, message.length, signature, 0);

        random.nextBytes(data64);
        random.nextBytes(data150);
        random.nextBytes(key32);
        jdkChaCha = Cipher.getInstance("ChaCha20-Poly1305");

        byte[] wide = new byte[64];
        random.nextBytes(wide);
        Scalar a = Scalar.fromBytesModOrderWide(wide);
        random.nextBytes(wide);
        Scalar r = Scalar.fromBytesModOrderWide(wide);
        random.nextBytes(wide);
        scalarC = Scalar.fromBytesModOrderWide(wide);
        scalarS = scalarC.multiplyAndAdd(a, r);
        pointA = cafe.cryptography.curve25519.Constants.ED25519_BASEPOINT_TABLE.multiply(a).compress().toByteArray();
        pointR = cafe.cryptography.curve25519.Constants.ED25519_BASEPOINT_TABLE.multiply(r).compress().toByteArray();
        decodedA = new CompressedEdwardsY(pointA).decompress();
    }

    // ---- X25519 ----

    @Benchmark
    public boolean x25519AgreementBouncyCastle() {
        return X25519.calculateAgreement(xPrivate, 0, xPeerPublic, 0, xOut, 0);
    }

    /** Fixed-base scalar multiplication: an ephemeral key's public half. */
    @Benchmark
    public byte[] x25519KeyGenBouncyCastle() {
        X25519.generatePublicKey(xPrivate, 0, xOut, 0);
        return xOut;
    }

    @Benchmark
    public byte[] x25519AgreementJdk() throws GeneralSecurityException {
        jdkAgreement.init(jdkLocal.getPrivate());
        jdkAgreement.doPhase(jdkPeer.getPublic(), true);
        return jdkAgreement.generateSecret();
    }

    @Benchmark
    public byte[] x25519AgreementNoiseJava() {
        com.southernstorm.noise.crypto.Curve25519.eval(xOut, 0, xPrivate, xPeerPublic);
        return xOut;
    }

    // ---- Ed25519 ----

    /** With the public key at hand, as a long-lived signer (the device CA) holds it. */
    @Benchmark
    public byte[] ed25519SignBouncyCastle() {
        Ed25519.sign(edSecret, 0, edPublic, 0, message, 0, message.length, out64, 0);
        return out64;
    }

    @Benchmark
    public boolean ed25519VerifyBouncyCastle() {
        return Ed25519.verify(signature, 0, edPublic, 0, message, 0, message.length);
    }

    // ---- Edwards25519 point arithmetic (curve25519-elisabeth), what the proof is made of ----

    @Benchmark
    public EdwardsPoint edwardsDecompress() throws InvalidEncodingException {
        return new CompressedEdwardsY(pointR).decompress();
    }

    @Benchmark
    public CompressedEdwardsY edwardsCompress() {
        return decodedA.compress();
    }

    /** {@code c·A + s·B}, variable time: the heart of a proof verification. */
    @Benchmark
    public EdwardsPoint edwardsDoubleScalarMultiply() {
        return EdwardsPoint.vartimeDoubleScalarMultiplyBasepoint(scalarC, decodedA, scalarS);
    }

    @Benchmark
    public boolean edwardsIsSmallOrder() {
        return decodedA.isSmallOrder();
    }

    // ---- hashes ----

    @Benchmark
    public byte[] blake2s64Bytes() {
        Blake2sDigest d = new Blake2sDigest(256);
        d.update(data64, 0, data64.length);
        d.doFinal(out32, 0);
        return out32;
    }

    /** Noise's HKDF with two outputs over HMAC-BLAKE2s (a MixKey or Split). */
    @Benchmark
    public byte[] hkdfBlake2sTwoOutputs() {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new Blake2sDigest(256));
        hkdf.init(new HKDFParameters(key32, data64, null));
        hkdf.generateBytes(out64, 0, 64);
        return out64;
    }

    /** The proof's challenge: BLAKE3-XOF of ~150 bytes of context, 64 bytes out. */
    @Benchmark
    public byte[] blake3Xof150Bytes() {
        Blake3Digest d = new Blake3Digest(512);
        d.update(data150, 0, data150.length);
        d.doFinal(out64, 0, 64);
        return out64;
    }

    // ---- AEAD ----

    @Benchmark
    public byte[] chaCha20Poly1305Seal64BouncyCastle() throws InvalidCipherTextException {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(true, new AEADParameters(new KeyParameter(key32), 128, nonce12));
        int n = aead.processBytes(data64, 0, data64.length, sealed64, 0);
        aead.doFinal(sealed64, n);
        return sealed64;
    }

    @Benchmark
    public byte[] chaCha20Poly1305Seal64Jdk() throws GeneralSecurityException {
        nonce12[0]++; // the JDK refuses to reuse a key and nonce pair for encryption
        jdkChaCha.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key32, "ChaCha20"), new IvParameterSpec(nonce12));
        return jdkChaCha.doFinal(data64);
    }
}
