package io.commucat.ccp.crypto.cert;

import io.commucat.ccp.crypto.Hex;

/**
 * Writes certificates as compact JSON byte-for-byte like serde_json (spec §3.6), which is what the
 * CA signs. Jackson's escaping differs (e.g. upper-case <code>&#92;u00XX</code>), hence this writer.
 */
final class CanonicalJson {

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private CanonicalJson() {
    }

    /** The signed object: the fields in their fixed order, no signature. */
    static String fields(CertificateFields f) {
        StringBuilder out = new StringBuilder(256);
        appendFields(out, f);
        return out.append('}').toString();
    }

    /** The wire object: the signed fields, then {@code "signature"}. */
    static String wire(CertificateFields f, byte[] signature) {
        StringBuilder out = new StringBuilder(400);
        appendFields(out, f);
        out.append(",\"signature\":\"").append(Hex.encode(signature)).append("\"}");
        return out.toString();
    }

    private static void appendFields(StringBuilder out, CertificateFields f) {
        out.append("{\"serial\":").append(Long.toUnsignedString(f.serial()));
        out.append(",\"user_id\":");
        appendString(out, f.userId());
        out.append(",\"device_id\":");
        appendString(out, f.deviceId());
        out.append(",\"public_key\":\"").append(Hex.encode(f.publicKey())).append('"');
        out.append(",\"issuer\":\"").append(Hex.encode(f.issuer())).append('"');
        out.append(",\"issued_at\":").append(f.issuedAt());
        out.append(",\"expires_at\":").append(f.expiresAt());
    }

    /**
     * A JSON string literal as serde_json writes it: {@code \"}, {@code \\}, {@code \b \f \n \r \t},
     * other characters below U+0020 as lower-case <code>&#92;u00xx</code>; everything else (including
     * {@code /}, DEL and non-ASCII) verbatim.
     */
    static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append("\\u00").append(HEX_DIGITS[ch >>> 4]).append(HEX_DIGITS[ch & 0xf]);
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        out.append('"');
    }
}
