package io.commucat.ccp.server.pairing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a pairing code is named in storage and the ledger: HMAC-SHA256 under a key every node of a
 * cluster derives from the device CA's secret key. A code has only ~39.6 bits, so a plain hash
 * (the first version) could be reversed offline from a database dump or a ledger's
 * {@code code_id} while the code was still live; without the key it cannot. Immutable,
 * thread-safe.
 */
public final class PairCodeKey {

    /** Domain separation: this key is used for nothing else. */
    private static final byte[] LABEL = "ccp:pairing-code-key:v1".getBytes(StandardCharsets.US_ASCII);
    private static final String HMAC = "HmacSHA256";

    private final byte[] key;

    private PairCodeKey(byte[] key) {
        this.key = key;
    }

    /** The key derived from a secret all nodes share (the device CA's secret key), at least 32 bytes. */
    public static PairCodeKey derive(byte[] clusterSecret) {
        if (clusterSecret.length < 32) {
            throw new IllegalArgumentException("the cluster secret must have at least 32 bytes");
        }
        return new PairCodeKey(hmac(clusterSecret, LABEL));
    }

    /** What storage keeps for {@code code}: lower-case hex of the HMAC of its normalised symbols. */
    public String hash(PairCode code) {
        return HexFormat.of().formatHex(hmac(key, code.normalised().getBytes(StandardCharsets.US_ASCII)));
    }

    /** The code's name in the ledger: the first 16 hex digits of {@link #hash}. */
    public String id(PairCode code) {
        return PairCode.idOf(hash(code));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "PairCodeKey[<redacted>]";
    }

    /** Equal keys name codes alike (tests). */
    @Override
    public boolean equals(Object other) {
        return other instanceof PairCodeKey that && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
