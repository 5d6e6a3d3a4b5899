package io.commucat.ccp.crypto.noise;

/**
 * One direction of a Noise transport: ChaCha20-Poly1305 under one key, with the nonce supplied
 * by the caller. Nonce bookkeeping (order, exhaustion) lives in {@link NoiseTransport} so that
 * both engines share it.
 */
interface TransportCipher {

    /** Encrypts {@code len} bytes with nonce {@code n} and no associated data; writes {@code len + 16} bytes. */
    void encrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff);

    /**
     * Decrypts {@code len} bytes (tag included) with nonce {@code n}; writes {@code len - 16} bytes.
     *
     * @return false when the tag does not verify (then nothing usable is left in {@code out})
     */
    boolean decrypt(long n, byte[] in, int inOff, int len, byte[] out, int outOff);

    /** Erases the key. */
    void destroy();
}
