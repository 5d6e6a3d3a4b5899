package io.commucat.ccp.crypto.noise;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise's ChaChaPoly cipher functions over the JDK's {@code ChaCha20-Poly1305} cipher, which
 * from JDK 20 on uses CPU intrinsics for both halves (in a loop, 6× Bouncy Castle's pure-Java
 * engine for 1 KiB on this machine's AVX-512); same bytes as {@link BcChaChaPoly}. Opt-in, see
 * {@link TransportCiphers}.
 *
 * <p>The JDK cipher copies the key into objects it does not let us erase, so {@link #destroy}
 * erases our copy and drops the cipher; what remains waits for the garbage collector.
 */
final class JdkChaChaPoly implements TransportCipher {

    private static final String ALGORITHM = "ChaCha20-Poly1305";

    private final byte[] nonce = new byte[12];
    /** The counter of the last initialization, which the JDK will not repeat (see {@link #init}). */
    private long lastNonce = -1;
    private byte[] key;
    private SecretKeySpec keySpec;
    private Cipher cipher;

    JdkChaChaPoly(byte[] k) {
        key = Arrays.copyOf(k, 32);
        keySpec = new SecretKeySpec(key, "ChaCha20");
        try {
            cipher = Cipher.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    /** Whether this JDK has the cipher at all (every JDK 11 and later should). */
    static boolean available() {
        try {
            Cipher.getInstance(ALGORITHM);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void encrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            init(Cipher.ENCRYPT_MODE, n);
            cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption cannot fail", e);
        }
    }

    @Override
    public boolean decrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            init(Cipher.DECRYPT_MODE, n);
            cipher.doFinal(in, inOff, len, out, outOff); // writes nothing unless the tag verifies
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decryption failed for another reason than the tag", e);
        }
    }

    private void init(int mode, long n) throws GeneralSecurityException {
        if (cipher == null) {
            throw new IllegalStateException("cipher destroyed");
        }
        if (n == lastNonce) {
            // The JDK refuses the key and nonce of its previous initialization even to decrypt
            // (a record that failed to open is tried again at the same counter); NoiseTransport
            // never encrypts twice under one counter. An initialization in between clears it.
            setNonce(~n);
            cipher.init(Cipher.DECRYPT_MODE, keySpec, new IvParameterSpec(nonce));
        }
        setNonce(n);
        cipher.init(mode, keySpec, new IvParameterSpec(nonce));
        lastNonce = n;
    }

    /** Noise nonce: 32 bits of zeros, then the 64-bit counter little-endian. */
    private void setNonce(long n) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (8 * i));
        }
    }

    @Override
    public void destroy() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
            key = null;
            keySpec = null;
            cipher = null;
        }
    }
}
