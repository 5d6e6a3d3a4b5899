package io.commucat.ccp.crypto.noise;

import io.commucat.ccp.crypto.noise.NoisePattern.Token;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The handshake state machine of Noise spec rev 34 §5.3, written for CCP's two patterns over
 * Bouncy Castle primitives. Only protocol logic lives here; every primitive is Bouncy Castle's.
 */
final class FastHandshake implements HandshakeCore {

    private static final int KEY = X25519Keys.KEY_LENGTH;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NoisePattern pattern;
    private final boolean initiator;
    private final FastSymmetricState symmetric;
    private final NoiseKeyPair localStatic;
    private final NoiseKeyPair fixedEphemeral;
    private final byte[] e = new byte[KEY];
    private final byte[] ePublic = new byte[KEY];
    private final byte[] re = new byte[KEY];
    private final byte[] shared = new byte[KEY];
    private byte[] rs;

    /**
     * @param remoteStatic the responder's key for an initiator, null for a responder
     * @param fixedEphemeral null except in conformance tests
     */
    FastHandshake(NoisePattern pattern, NoiseRole role, NoiseKeyPair localStatic, byte[] remoteStatic,
            byte[] prologue, NoiseKeyPair fixedEphemeral) {
        this.pattern = pattern;
        this.initiator = role == NoiseRole.INITIATOR;
        this.localStatic = localStatic;
        this.fixedEphemeral = fixedEphemeral;
        this.symmetric = new FastSymmetricState(pattern);
        symmetric.mixHash(prologue, 0, prologue.length);
        // Pre-message "<- s" of both patterns: the responder's static key.
        if (initiator) {
            rs = remoteStatic.clone();
            symmetric.mixHash(rs, 0, KEY);
        } else {
            symmetric.mixHash(localStatic.publicKeyRef(), 0, KEY);
        }
    }

    @Override
    public void writeMessage(int index, byte[] payload, byte[] out) throws NoiseException {
        int pos = 0;
        for (Token t : pattern.tokens(index)) {
            switch (t) {
                case E:
                    newEphemeral();
                    System.arraycopy(ePublic, 0, out, pos, KEY);
                    symmetric.mixHash(out, pos, KEY);
                    pos += KEY;
                    break;
                case S:
                    pos += symmetric.encryptAndHash(localStatic.publicKeyRef(), 0, KEY, out, pos);
                    break;
                default:
                    mixDh(t);
            }
        }
        symmetric.encryptAndHash(payload, 0, payload.length, out, pos);
    }

    @Override
    public void readMessage(int index, byte[] message, byte[] payload) throws NoiseException {
        int pos = 0;
        for (Token t : pattern.tokens(index)) {
            switch (t) {
                case E:
                    System.arraycopy(message, pos, re, 0, KEY);
                    symmetric.mixHash(message, pos, KEY);
                    pos += KEY;
                    break;
                case S:
                    int len = KEY + (symmetric.hasKey() ? NoisePattern.TAG_LENGTH : 0);
                    byte[] key = new byte[KEY];
                    if (!symmetric.decryptAndHash(message, pos, len, key, 0)) {
                        throw new NoiseException(NoiseException.Kind.DECRYPT, "static key does not authenticate");
                    }
                    rs = key;
                    pos += len;
                    break;
                default:
                    mixDh(t);
            }
        }
        if (!symmetric.decryptAndHash(message, pos, message.length - pos, payload, 0)) {
            throw new NoiseException(NoiseException.Kind.DECRYPT, "payload does not authenticate");
        }
    }

    private void newEphemeral() {
        if (fixedEphemeral != null) {
            System.arraycopy(fixedEphemeral.privateKeyRef(), 0, e, 0, KEY);
        } else {
            X25519.generatePrivateKey(RANDOM, e);
        }
        X25519Keys.publicKey(e, ePublic);
    }

    /** The DH of token {@code t} from this side's point of view (§5.3), mixed into the key. */
    private void mixDh(Token t) throws NoiseException {
        byte[] s = localStatic.privateKeyRef();
        boolean ok;
        switch (t) {
            case EE:
                ok = X25519Keys.agree(e, re, 0, shared);
                break;
            case ES:
                ok = initiator ? X25519Keys.agree(e, rs, 0, shared) : X25519Keys.agree(s, re, 0, shared);
                break;
            case SE:
                ok = initiator ? X25519Keys.agree(s, re, 0, shared) : X25519Keys.agree(e, rs, 0, shared);
                break;
            case SS:
                ok = X25519Keys.agree(s, rs, 0, shared);
                break;
            default:
                throw new IllegalStateException("not a DH token: " + t);
        }
        if (!ok) {
            throw new NoiseException(NoiseException.Kind.BAD_KEY, "Diffie-Hellman result is zero");
        }
        symmetric.mixKey(shared);
        Arrays.fill(shared, (byte) 0);
    }

    @Override
    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    @Override
    public byte[] remoteStatic() {
        return rs == null ? null : rs.clone();
    }

    @Override
    public TransportCipher[] split() {
        TransportCipher[] pair = symmetric.split();
        Arrays.fill(e, (byte) 0);
        return initiator ? pair : new TransportCipher[] {pair[1], pair[0]};
    }

    @Override
    public void destroy() {
        symmetric.destroyKeys();
        Arrays.fill(e, (byte) 0);
        Arrays.fill(shared, (byte) 0);
    }
}
