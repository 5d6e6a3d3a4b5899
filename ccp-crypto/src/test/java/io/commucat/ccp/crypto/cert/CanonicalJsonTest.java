package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.crypto.Hex;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String escaped(String value) {
        StringBuilder out = new StringBuilder();
        CanonicalJson.appendString(out, value);
        return out.toString();
    }

    private static CertificateFields fields(long serial, String userId, String deviceId, long issuedAt, long expiresAt) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xab);
        byte[] issuer = new byte[32];
        Arrays.fill(issuer, (byte) 0x01);
        return new CertificateFields(serial, userId, deviceId, key, issuer, issuedAt, expiresAt);
    }

    @Test
    void quoteAndBackslashAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\"", escaped("a\"b\\c"));
    }

    @Test
    void shortEscapesAreUsedForBackspaceFormFeedNewlineReturnAndTab() {
        assertEquals("\"\\b\\f\\n\\r\\t\"", escaped("\b\f\n\r\t"));
    }

    @ParameterizedTest
    @CsvSource({"0, \\u0000", "1, \\u0001", "11, \\u000b", "27, \\u001b", "31, \\u001f"})
    void otherControlCharactersUseLowerCaseUnicodeEscapes(int code, String expected) {
        assertEquals("\"" + expected + "\"", escaped(String.valueOf((char) code)));
    }

    @Test
    void slashAndDeleteAreWrittenVerbatim() {
        assertEquals("\"a/b\u007f\"", escaped("a/b\u007f"));
    }

    @Test
    void nonAsciiIsWrittenAsRawUtf8() {
        CertificateFields f = fields(1, "Grüße-✓", "📱", 0, 1);
        String json = f.canonicalJson();
        assertTrue(json.contains("\"user_id\":\"Grüße-✓\""));
        assertTrue(json.contains("\"device_id\":\"📱\""));
        String bytesAsHex = Hex.encode(f.canonicalBytes());
        assertTrue(bytesAsHex.contains("f09f93b1"), "U+1F4F1 as its four UTF-8 bytes");
        assertTrue(bytesAsHex.contains("c3bc"), "ü as its two UTF-8 bytes");
    }

    @Test
    void fieldsAreWrittenCompactlyInTheSpecifiedOrder() {
        assertEquals("{\"serial\":42,\"user_id\":\"u\",\"device_id\":\"d\","
                + "\"public_key\":\"" + "ab".repeat(32) + "\",\"issuer\":\"" + "01".repeat(32) + "\","
                + "\"issued_at\":-5,\"expires_at\":9223372036854775807}",
                fields(42, "u", "d", -5, Long.MAX_VALUE).canonicalJson());
    }

    @Test
    void serialZeroIsWrittenAsZero() {
        assertTrue(fields(0, "u", "d", 0, 1).canonicalJson().startsWith("{\"serial\":0,"));
    }

    @Test
    void serialTwoToThe64MinusOneIsWrittenUnsigned() {
        assertTrue(fields(-1L, "u", "d", 0, 1).canonicalJson().startsWith("{\"serial\":18446744073709551615,"));
    }

    @Test
    void wireFormAppendsTheSignatureLast() {
        byte[] signature = new byte[64];
        signature[63] = 0x0f;
        String wire = CanonicalJson.wire(fields(1, "u", "d", 0, 1), signature);
        assertTrue(wire.endsWith(",\"signature\":\"" + "00".repeat(63) + "0f\"}"));
    }

    @Property(tries = 500)
    void anyEscapedStringReadsBackAsTheSameString(@ForAll String value) throws Exception {
        // Unpaired surrogates have no UTF-8 form; certificates refuse them elsewhere.
        String wellFormed = value.codePoints().filter(cp -> cp < 0xd800 || cp > 0xdfff)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        assertEquals(wellFormed, JSON.readTree(escaped(wellFormed)).textValue());
    }
}
