package io.commucat.ccp.crypto.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Noise's SymmetricState with its CipherState (Noise spec rev 34 §5.1, §5.2) for BLAKE2s and
 * ChaChaPoly, over Bouncy Castle primitives. Digest, MAC, cipher and scratch buffers are created
 * once per handshake and reused for every token.
 */
final class FastSymmetricState {

    static final int HASH_LENGTH = 32;
    private static final int TAG = NoisePattern.TAG_LENGTH;
    private static final byte[] EMPTY = new byte[0];

    /** h = ck = HASH(protocol_name): both names are longer than 32 bytes (§5.2 InitializeSymmetric). */
    private static final Map<NoisePattern, byte[]> INITIAL_HASH = new EnumMap<>(NoisePattern.class);

    static {
        for (NoisePattern p : NoisePattern.values()) {
            byte[] name = p.protocolName().getBytes(StandardCharsets.US_ASCII);
            byte[] h = new byte[HASH_LENGTH];
            if (name.length <= HASH_LENGTH) {
                System.arraycopy(name, 0, h, 0, name.length);
            } else {
                Blake2sDigest d = new Blake2sDigest();
                d.update(name, 0, name.length);
                d.doFinal(h, 0);
            }
            INITIAL_HASH.put(p, h);
        }
    }

    private final Blake2sDigest hash = new Blake2sDigest();
    // HMAC-BLAKE2s with the 64-byte block length Noise requires (Blake2sDigest reports 64).
    private final HMac hmac = new HMac(new Blake2sDigest());
    private final BcChaChaPoly cipher = new BcChaChaPoly();
    private final byte[] ck = new byte[HASH_LENGTH];
    private final byte[] h = new byte[HASH_LENGTH];
    private final byte[] k = new byte[HASH_LENGTH];
    private final byte[] tempKey = new byte[HASH_LENGTH];
    private boolean hasKey;
    private long n;

    FastSymmetricState(NoisePattern pattern) {
        byte[] initial = INITIAL_HASH.get(pattern);
        System.arraycopy(initial, 0, ck, 0, HASH_LENGTH);
        System.arraycopy(initial, 0, h, 0, HASH_LENGTH);
    }

    boolean hasKey() {
        return hasKey;
    }

    /** h = HASH(h || data). */
    void mixHash(byte[] data, int off, int len) {
        hash.update(h, 0, HASH_LENGTH);
        hash.update(data, off, len);
        hash.doFinal(h, 0);
    }

    /** ck, k = HKDF(ck, ikm); n = 0. */
    void mixKey(byte[] ikm) {
        hkdf(ikm, ck, k);
        cipher.setKey(k);
        hasKey = true;
        n = 0;
    }

    /** Encrypts (once a key exists) with ad = h, then mixes the ciphertext into h; returns bytes written. */
    int encryptAndHash(byte[] in, int inOff, int len, byte[] out, int outOff) {
        int written;
        if (hasKey) {
            cipher.encrypt(n++, h, in, inOff, len, out, outOff);
            written = len + TAG;
        } else {
            System.arraycopy(in, inOff, out, outOff, len);
            written = len;
        }
        mixHash(out, outOff, written);
        return written;
    }

    /**
     * Reverses {@link #encryptAndHash}: {@code len} counts the tag when a key exists.
     *
     * @return false when the tag does not verify
     */
    boolean decryptAndHash(byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (hasKey) {
            if (!cipher.decrypt(n, h, in, inOff, len, out, outOff)) {
                return false;
            }
            n++;
        } else {
            System.arraycopy(in, inOff, out, outOff, len);
        }
        mixHash(in, inOff, len);
        return true;
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    /** The two transport ciphers (§5.2 Split): initiator-to-responder first. Erases ck and k. */
    TransportCipher[] split() {
        byte[] k1 = new byte[HASH_LENGTH];
        byte[] k2 = new byte[HASH_LENGTH];
        hkdf(EMPTY, k1, k2);
        TransportCipher[] pair = {TransportCiphers.create(k1), TransportCiphers.create(k2)};
        Arrays.fill(k1, (byte) 0);
        Arrays.fill(k2, (byte) 0);
        destroyKeys();
        return pair;
    }

    /** Erases every secret; h (public transcript hash) stays readable. */
    void destroyKeys() {
        Arrays.fill(ck, (byte) 0);
        Arrays.fill(k, (byte) 0);
        Arrays.fill(tempKey, (byte) 0);
        cipher.destroy();
        // The MAC's pads hold the last temp_key: re-key it with zeros to erase them.
        hmac.init(new KeyParameter(new byte[HASH_LENGTH]));
        hasKey = false;
    }

    /** HKDF with two outputs (§4.3); {@code out1} may be {@link #ck} since ck is read first. */
    private void hkdf(byte[] ikm, byte[] out1, byte[] out2) {
        KeyParameter chainingKey = new KeyParameter(ck);
        hmac.init(chainingKey);
        Arrays.fill(chainingKey.getKey(), (byte) 0);
        hmac.update(ikm, 0, ikm.length);
        hmac.doFinal(tempKey, 0);

        KeyParameter temp = new KeyParameter(tempKey);
        hmac.init(temp);
        Arrays.fill(temp.getKey(), (byte) 0);
        hmac.update((byte) 0x01);
        hmac.doFinal(out1, 0);
        // doFinal leaves the MAC keyed with temp_key for the second output.
        hmac.update(out1, 0, HASH_LENGTH);
        hmac.update((byte) 0x02);
        hmac.doFinal(out2, 0);
        Arrays.fill(tempKey, (byte) 0);
    }
}
