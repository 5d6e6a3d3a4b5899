package io.commucat.ccp.crypto.keys;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The proof a device sends with a pairing claim (rest.md "POST /api/pair/claim", Deviation:
 * device-generated keys): a plain Ed25519 signature by the new device's key over the ASCII bytes
 * {@code ccp-pair-claim:} and the normalised code (upper case, no spaces or hyphens). One
 * definition for the server that checks it and the clients that make it. Stateless.
 */
public final class PairingClaimProof {

    /** What the signed message starts with, before the normalised code. */
    public static final String CONTEXT = "ccp-pair-claim:";

    private PairingClaimProof() {
    }

    /** {@code code} as the server matches it: spaces and hyphens dropped, ASCII letters upper-cased. */
    public static String normalise(String code) {
        return code.replace(" ", "").replace("-", "").toUpperCase(Locale.ROOT);
    }

    /** The signed bytes for an already normalised code. */
    public static byte[] message(String normalisedCode) {
        return (CONTEXT + normalisedCode).getBytes(StandardCharsets.US_ASCII);
    }

    /** The claim's {@code proof} for {@code code} (normalised here). */
    public static byte[] sign(DeviceKeyPair key, String code) {
        return key.sign(message(normalise(code)));
    }

    /** Whether {@code signature} proves possession of {@code publicKey} for the normalised code. */
    public static boolean verify(byte[] publicKey, String normalisedCode, byte[] signature) {
        return Ed25519Signatures.verify(publicKey, message(normalisedCode), signature);
    }
}
