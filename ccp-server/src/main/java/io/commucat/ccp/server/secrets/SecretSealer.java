package io.commucat.ccp.server.secrets;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Seals secrets before they reach the Secrets port (issue #10: "private parts encrypted at rest
 * with a configured key when one is given"). With a key, a sealed secret is {@code 0x01 ||
 * nonce(12) || ChaCha20-Poly1305(secret)} with the secret's label as associated data, so a
 * sealed value cannot be moved to another slot; without a key it is {@code 0x00 || secret}.
 * Thread-safe.
 */
public final class SecretSealer {

    private static final byte PLAIN = 0x00;
    private static final byte SEALED = 0x01;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final byte[] key;
    private final SecureRandom random;

    /** @param key the 32-byte at-rest key, or null to store secrets as they are */
    public SecretSealer(byte[] key, SecureRandom random) {
        if (key != null && key.length != 32) {
            throw new IllegalArgumentException("the at-rest key has 32 bytes");
        }
        this.key = key == null ? null : key.clone();
        this.random = random;
    }

    public boolean encrypting() {
        return key != null;
    }

    public byte[] seal(byte[] secret, String label) {
        if (key == null) {
            byte[] out = new byte[secret.length + 1];
            out[0] = PLAIN;
            System.arraycopy(secret, 0, out, 1, secret.length);
            return out;
        }
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        ChaCha20Poly1305 aead = cipher(true, nonce, label);
        byte[] out = new byte[1 + NONCE + aead.getOutputSize(secret.length)];
        out[0] = SEALED;
        System.arraycopy(nonce, 0, out, 1, NONCE);
        int n = aead.processBytes(secret, 0, secret.length, out, 1 + NONCE);
        try {
            aead.doFinal(out, 1 + NONCE + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("sealing never fails", e);
        }
        return out;
    }

    /**
     * Opens a sealed secret.
     *
     * @throws SecretsException when it was sealed with another key or label, or stored in the
     *     clear while a key is configured (or the reverse), or is damaged
     */
    public byte[] open(byte[] sealed, String label) throws SecretsException {
        if (sealed.length < 1) {
            throw new SecretsException("stored secret " + label + " is empty");
        }
        if (sealed[0] == PLAIN) {
            if (key != null) {
                throw new SecretsException("stored secret " + label + " is not encrypted but crypto.secrets_key is set;"
                        + " it was written by a node without the key");
            }
            return Arrays.copyOfRange(sealed, 1, sealed.length);
        }
        if (sealed[0] != SEALED || sealed.length < 1 + NONCE + TAG_BITS / 8) {
            throw new SecretsException("stored secret " + label + " is damaged");
        }
        if (key == null) {
            throw new SecretsException("stored secret " + label + " is encrypted; set crypto.secrets_key");
        }
        ChaCha20Poly1305 aead = cipher(false, Arrays.copyOfRange(sealed, 1, 1 + NONCE), label);
        byte[] out = new byte[aead.getOutputSize(sealed.length - 1 - NONCE)];
        try {
            int n = aead.processBytes(sealed, 1 + NONCE, sealed.length - 1 - NONCE, out, 0);
            aead.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            throw new SecretsException("stored secret " + label + " does not open with crypto.secrets_key");
        }
    }

    private ChaCha20Poly1305 cipher(boolean encrypt, byte[] nonce, String label) {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce,
                label.getBytes(StandardCharsets.UTF_8)));
        return aead;
    }

    @Override
    public String toString() {
        return "SecretSealer[" + (key == null ? "plain" : "encrypting") + "]";
    }
}
