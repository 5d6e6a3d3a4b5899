package io.commucat.ccp.crypto.noise;

import com.southernstorm.noise.protocol.CipherState;
import javax.crypto.BadPaddingException;
import javax.crypto.ShortBufferException;

/** One transport direction over noise-java's own {@link CipherState}. */
final class NoiseJavaCipher implements TransportCipher {

    private final CipherState state;

    NoiseJavaCipher(CipherState state) {
        this.state = state;
    }

    @Override
    public void encrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff) {
        state.setNonce(n);
        try {
            state.encryptWithAd(null, in, inOff, out, outOff, len);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("output sized by the caller", e);
        }
    }

    @Override
    public boolean decrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff) {
        state.setNonce(n);
        try {
            state.decryptWithAd(null, in, inOff, out, outOff, len);
            return true;
        } catch (BadPaddingException e) {
            return false;
        } catch (ShortBufferException e) {
            throw new IllegalStateException("output sized by the caller", e);
        }
    }

    @Override
    public void destroy() {
        state.destroy();
    }
}
