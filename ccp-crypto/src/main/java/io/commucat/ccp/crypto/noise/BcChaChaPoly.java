package io.commucat.ccp.crypto.noise;

import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.util.Pack;

/** Noise's ChaChaPoly cipher functions (Noise spec rev 34 §12.3) over Bouncy Castle. */
final class BcChaChaPoly implements TransportCipher {

    private static final int TAG = NoisePattern.TAG_LENGTH;

    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    // Noise nonce: 32 bits of zeros, then the 64-bit counter little-endian.
    private final byte[] nonce = new byte[12];
    private KeyParameter key;

    BcChaChaPoly() {
    }

    BcChaChaPoly(byte[] key) {
        setKey(key);
    }

    /** Replaces the key (the handshake's MixKey); the old one is erased. */
    void setKey(byte[] k) {
        destroy();
        key = new KeyParameter(k, 0, 32);
    }

    @Override
    public void encrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff) {
        encrypt(n, null, in, inOff, len, out, outOff);
    }

    @Override
    public boolean decrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff) {
        return decrypt(n, null, in, inOff, len, out, outOff);
    }

    void encrypt(long n, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        init(true, n, ad);
        int written = aead.processBytes(in, inOff, len, out, outOff);
        try {
            aead.doFinal(out, outOff + written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail", e);
        }
    }

    boolean decrypt(long n, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        init(false, n, ad);
        // Bouncy Castle streams plaintext out before the tag is checked: wipe it on failure.
        int written = aead.processBytes(in, inOff, len, out, outOff);
        try {
            aead.doFinal(out, outOff + written);
            return true;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, outOff, outOff + len - TAG, (byte) 0);
            return false;
        }
    }

    private void init(boolean forEncryption, long n, byte[] ad) {
        if (key == null) {
            throw new IllegalStateException("cipher destroyed");
        }
        Pack.longToLittleEndian(n, nonce, 4);
        aead.init(forEncryption, new ParametersWithIV(key, nonce));
        if (ad != null) {
            aead.processAADBytes(ad, 0, ad.length);
        }
    }

    @Override
    public void destroy() {
        if (key != null) {
            // KeyParameter hands out its own array: this erases our copy of the key.
            Arrays.fill(key.getKey(), (byte) 0);
            key = null;
        }
    }
}
