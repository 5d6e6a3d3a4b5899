package io.commucat.ccp.crypto.noise;

import com.southernstorm.noise.protocol.CipherStatePair;
import com.southernstorm.noise.protocol.HandshakeState;
import java.security.NoSuchAlgorithmException;
import javax.crypto.BadPaddingException;
import javax.crypto.ShortBufferException;

/**
 * The reference engine: stock noise-java {@link HandshakeState}. It adds only what noise-java
 * leaves out: a check that no DH can come out all zero (noise-java rejects only the all-zero
 * ephemeral key, not the other small-order points).
 */
final class NoiseJavaHandshake implements HandshakeCore {

    private static final int KEY = X25519Keys.KEY_LENGTH;

    private final NoisePattern pattern;
    private final HandshakeState state;
    private final boolean initiator;
    private byte[] rs;
    private byte[] hash;

    NoiseJavaHandshake(NoisePattern pattern, NoiseRole role, NoiseKeyPair localStatic, byte[] remoteStatic,
            byte[] prologue, NoiseKeyPair fixedEphemeral) {
        this.pattern = pattern;
        this.initiator = role == NoiseRole.INITIATOR;
        try {
            state = new HandshakeState(pattern.protocolName(),
                    initiator ? HandshakeState.INITIATOR : HandshakeState.RESPONDER);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("noise-java lacks " + pattern.protocolName(), e);
        }
        state.getLocalKeyPair().setPrivateKey(localStatic.privateKeyRef(), 0);
        if (initiator) {
            rs = remoteStatic.clone();
            state.getRemotePublicKey().setPublicKey(rs, 0);
        }
        state.setPrologue(prologue, 0, prologue.length);
        if (fixedEphemeral != null) {
            state.getFixedEphemeralKey().setPrivateKey(fixedEphemeral.privateKeyRef(), 0);
        }
        state.start();
    }

    @Override
    public void writeMessage(int index, byte[] payload, byte[] out) throws NoiseException {
        if (index == 0 && X25519Keys.isSmallOrder(rs, 0)) {
            throw new NoiseException(NoiseException.Kind.BAD_KEY, "Diffie-Hellman result is zero");
        }
        int written;
        try {
            written = state.writeMessage(out, 0, payload, 0, payload.length);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("message sized from the pattern", e);
        }
        if (written != out.length) {
            throw new IllegalStateException("noise-java wrote an unexpected length");
        }
        afterMessage(index);
    }

    @Override
    public void readMessage(int index, byte[] message, byte[] payload) throws NoiseException {
        if (pattern.startsWithEphemeral(index) && X25519Keys.isSmallOrder(message, 0)) {
            throw new NoiseException(NoiseException.Kind.BAD_KEY, "Diffie-Hellman result is zero");
        }
        int read;
        try {
            read = state.readMessage(message, 0, message.length, payload, 0);
        } catch (BadPaddingException e) {
            throw new NoiseException(NoiseException.Kind.DECRYPT, "handshake message does not authenticate");
        } catch (ShortBufferException e) {
            throw new NoiseException(NoiseException.Kind.MALFORMED_MESSAGE, "handshake message too short");
        }
        if (read != payload.length) {
            throw new IllegalStateException("noise-java read an unexpected length");
        }
        if (pattern.carriesStatic(index)) {
            byte[] key = new byte[KEY];
            state.getRemotePublicKey().getPublicKey(key, 0);
            // noise-java has already used it in a DH; refusing now still fails closed.
            if (X25519Keys.isSmallOrder(key, 0)) {
                throw new NoiseException(NoiseException.Kind.BAD_KEY, "Diffie-Hellman result is zero");
            }
            rs = key;
        }
        afterMessage(index);
    }

    private void afterMessage(int index) {
        if (index == pattern.messageCount() - 1) {
            hash = state.getHandshakeHash();
        }
    }

    @Override
    public byte[] handshakeHash() {
        return hash.clone();
    }

    @Override
    public byte[] remoteStatic() {
        return rs == null ? null : rs.clone();
    }

    @Override
    public TransportCipher[] split() {
        // noise-java already orients the pair: the sender is this side's.
        CipherStatePair pair = state.split();
        state.destroy();
        return new TransportCipher[] {new NoiseJavaCipher(pair.getSender()), new NoiseJavaCipher(pair.getReceiver())};
    }

    @Override
    public void destroy() {
        state.destroy();
    }
}
