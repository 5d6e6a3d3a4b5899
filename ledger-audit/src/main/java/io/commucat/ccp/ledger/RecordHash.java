package io.commucat.ccp.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * {@code hash = lowercase hex(SHA-256(canonical bytes))}. SHA-256 rather than BLAKE3: it is in
 * every JDK (no dependency for this module), and an operator can check a record with
 * {@code sha256sum} or {@code openssl}, which matters more for an audit trail than speed.
 */
final class RecordHash {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(RecordHash::newDigest);

    private RecordHash() {
    }

    static String of(byte[] canonical) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HexFormat.of().formatHex(digest.digest(canonical));
    }

    static boolean isHash(String text) {
        return text != null && HEX.matcher(text).matches();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
