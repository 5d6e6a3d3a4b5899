package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceCertificateParsingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeviceCertificateAuthority CA =
            new DeviceCertificateAuthority(DeviceCaKeyPair.fromSeed(new byte[32]));
    private static final byte[] DEVICE_KEY = filled(0x11);
    private static final DeviceCertificate CERT = CA.issue(42, "user-1", "device-1", DEVICE_KEY, 1_700_000_000L);

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static ObjectNode wireTree() throws Exception {
        return (ObjectNode) JSON.readTree(CERT.toWireJson());
    }

    private static Kind parseFailure(String text) {
        return assertThrows(CertificateException.class, () -> DeviceCertificate.parse(text)).kind();
    }

    @Test
    void wireJsonParsesBackToTheSameCertificate() throws Exception {
        assertEquals(CERT, DeviceCertificate.parse(CERT.toWireJson()));
    }

    @Test
    void jacksonTreeFormParsesBackToTheSameCertificate() throws Exception {
        assertEquals(CERT, DeviceCertificate.fromJson(CERT.toJson()));
    }

    @Test
    void serialTwoToThe64MinusOneParsesAndPrintsUnsigned() throws Exception {
        ObjectNode tree = wireTree();
        tree.put("serial", new BigInteger("18446744073709551615"));
        DeviceCertificate parsed = DeviceCertificate.parse(JSON.writeValueAsString(tree));
        assertEquals(-1L, parsed.fields().serial());
        assertEquals("18446744073709551615", parsed.fields().serialText());
        assertEquals("18446744073709551615", parsed.toJson().get("serial").asText());
    }

    @Test
    void serialZeroParses() throws Exception {
        ObjectNode tree = wireTree();
        tree.put("serial", 0);
        assertEquals(0L, DeviceCertificate.parse(JSON.writeValueAsString(tree)).fields().serial());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "18446744073709551616", "1.0", "1e2", "\"42\"", "true", "null"})
    void serialOutsideUnsigned64BitIntegersIsInvalid(String serial) throws Exception {
        String text = CERT.toWireJson().replace("\"serial\":42", "\"serial\":" + serial);
        assertEquals(Kind.INVALID_FIELD, parseFailure(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "1.5", "\"1700000000\""})
    void timestampOutsideSigned64BitIntegersIsInvalid(String issuedAt) {
        String text = CERT.toWireJson().replace("\"issued_at\":1700000000", "\"issued_at\":" + issuedAt);
        assertEquals(Kind.INVALID_FIELD, parseFailure(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"serial", "user_id", "device_id", "public_key", "issuer", "issued_at", "expires_at", "signature"})
    void eachFieldIsRequired(String field) throws Exception {
        ObjectNode tree = wireTree();
        tree.remove(field);
        assertEquals(Kind.MISSING_FIELD, parseFailure(JSON.writeValueAsString(tree)));
    }

    @Test
    void unknownFieldIsRejected() throws Exception {
        ObjectNode tree = wireTree();
        tree.put("comment", "x");
        assertEquals(Kind.UNKNOWN_FIELD, parseFailure(JSON.writeValueAsString(tree)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"user_id", "device_id"})
    void nonStringNamesAreInvalid(String field) throws Exception {
        ObjectNode tree = wireTree();
        tree.put(field, 7);
        assertEquals(Kind.INVALID_FIELD, parseFailure(JSON.writeValueAsString(tree)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"public_key", "issuer", "signature"})
    void hexOfTheWrongLengthIsInvalid(String field) throws Exception {
        ObjectNode tree = wireTree();
        tree.put(field, tree.get(field).textValue() + "00");
        assertEquals(Kind.INVALID_FIELD, parseFailure(JSON.writeValueAsString(tree)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"public_key", "issuer", "signature"})
    void nonHexIsInvalid(String field) throws Exception {
        ObjectNode tree = wireTree();
        tree.put(field, "zz" + tree.get(field).textValue().substring(2));
        assertEquals(Kind.INVALID_FIELD, parseFailure(JSON.writeValueAsString(tree)));
    }

    @Test
    void unpairedSurrogateInANameIsInvalid() {
        String text = CERT.toWireJson().replace("\"user-1\"", "\"\\ud800\"");
        assertEquals(Kind.INVALID_FIELD, parseFailure(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "42", "{\"serial\":"})
    void textThatIsNotAJsonObjectIsMalformed(String text) {
        assertEquals(Kind.MALFORMED_JSON, parseFailure(text));
    }

    @Test
    void trailingDataIsMalformed() {
        assertEquals(Kind.MALFORMED_JSON, parseFailure(CERT.toWireJson() + "{}"));
    }

    @Test
    void duplicateKeyIsMalformed() {
        String text = CERT.toWireJson().replace("{\"serial\":42,", "{\"serial\":42,\"serial\":43,");
        assertEquals(Kind.MALFORMED_JSON, parseFailure(text));
    }

    @Test
    void upperCaseHexParsesAndStillVerifiesBecauseBytesAreReMade() throws Exception {
        ObjectNode tree = wireTree();
        for (String field : new String[] {"public_key", "issuer", "signature"}) {
            tree.put(field, tree.get(field).textValue().toUpperCase());
        }
        DeviceCertificate parsed = DeviceCertificate.parse(JSON.writeValueAsString(tree));
        assertEquals(CERT, parsed);
        assertDoesNotThrow(() -> CA.verifier().verify(parsed));
    }

    @Test
    void reorderedAndSpacedWireJsonStillVerifiesBecauseBytesAreReMade() throws Exception {
        String text = "{ \"signature\" : \"" + Hex.encode(CERT.signature()) + "\",\n"
                + "\"expires_at\":" + CERT.fields().expiresAt() + ", \"issued_at\":1700000000,"
                + "\"issuer\":\"" + Hex.encode(CA.publicKey()) + "\",\"public_key\":\"" + Hex.encode(DEVICE_KEY) + "\","
                + "\"device_id\":\"device-1\",\"user_id\":\"user-1\",\"serial\":42 }";
        DeviceCertificate parsed = DeviceCertificate.parse(text);
        assertDoesNotThrow(() -> CA.verifier().verify(parsed));
    }

    @Test
    void certificateKeepsItsOwnCopies() {
        byte[] signature = CERT.signature();
        signature[0] ^= 1;
        CERT.fields().publicKey()[0] ^= 1;
        assertArrayEquals(DEVICE_KEY, CERT.fields().publicKey());
        assertEquals(CERT, new DeviceCertificate(CERT.fields(), CERT.signature()));
    }

    @Test
    void signatureMustBe64Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceCertificate(CERT.fields(), new byte[63]));
    }
}
