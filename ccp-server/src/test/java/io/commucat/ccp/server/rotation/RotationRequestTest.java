package io.commucat.ccp.server.rotation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request's fields and the proof's time window, read at a fixed instant. */
class RotationRequestTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(600);
    private static final String KEY = "ab".repeat(32);
    private static final String SIGNATURE = "cd".repeat(64);

    @Test
    void aCompleteRequestIsRead() throws Exception {
        RotationRequest request = read(valid().put("nonce", "0102030405060708"));

        assertArrayEquals(Hex.decode(KEY), request.publicKey());
        assertArrayEquals(Hex.decode(SIGNATURE), request.signature());
        assertEquals(NOW.plusSeconds(300), request.expiresAt());
        assertArrayEquals(Hex.decode("0102030405060708"), request.nonce());
    }

    @Test
    void theNonceIsOptional() throws Exception {
        assertNull(read(valid()).nonce());
        assertNull(read(valid().putNull("nonce")).nonce());
    }

    @Test
    void upperCaseHexIsAccepted() throws Exception {
        RotationRequest request = read(valid().put("public_key", KEY.toUpperCase()).put("nonce", "ABCDEF0123456789"));

        assertArrayEquals(Hex.decode(KEY), request.publicKey());
        assertArrayEquals(Hex.decode("abcdef0123456789"), request.nonce());
    }

    @Test
    void anExpiryWithAnOffsetIsReadAsItsInstant() throws Exception {
        assertEquals(NOW.plusSeconds(60), read(valid().put("expires_at", "2026-03-01T15:01:00+03:00")).expiresAt());
    }

    @Test
    void aMissingPublicKeyIsRefusedByName() {
        ObjectNode body = valid();
        body.remove("public_key");
        assertRefused(body, "public_key is required");
    }

    @Test
    void aShortPublicKeyIsRefusedByName() {
        assertRefused(valid().put("public_key", "ab".repeat(31)), "public_key must be 32 bytes of hex (64 digits)");
    }

    @Test
    void aPublicKeyThatIsNotHexIsRefusedByName() {
        assertRefused(valid().put("public_key", "zz".repeat(32)), "public_key must be hex");
    }

    @Test
    void aMissingSignatureIsRefusedByName() {
        ObjectNode body = valid();
        body.remove("signature");
        assertRefused(body, "signature is required");
    }

    @Test
    void aSignatureOfTheWrongLengthIsRefusedByName() {
        assertRefused(valid().put("signature", "cd".repeat(63)), "signature must be 64 bytes of hex (128 digits)");
    }

    @Test
    void aSignatureThatIsNotAStringIsRefusedByName() {
        assertRefused(valid().put("signature", 12), "signature must be a string");
    }

    @Test
    void aMissingExpiryIsRefusedByName() {
        ObjectNode body = valid();
        body.remove("expires_at");
        assertRefused(body, "expires_at is required");
    }

    @Test
    void anExpiryThatIsNotRfc3339IsRefusedByName() {
        assertRefused(valid().put("expires_at", "tomorrow"), "expires_at must be an RFC 3339 timestamp");
        assertRefused(valid().put("expires_at", "2026-03-01T12:05:00"), "expires_at must be an RFC 3339 timestamp");
    }

    @Test
    void anExpiryNowHasPassed() {
        assertRefused(valid().put("expires_at", NOW.toString()), "expires_at has passed: the rotation proof expired");
    }

    @Test
    void anExpiryInThePastHasPassed() {
        assertRefused(valid().put("expires_at", NOW.minusSeconds(1).toString()),
                "expires_at has passed: the rotation proof expired");
    }

    @Test
    void anExpiryExactlyProofTtlAheadIsAccepted() throws Exception {
        assertEquals(NOW.plus(TTL), read(valid().put("expires_at", NOW.plus(TTL).toString())).expiresAt());
    }

    @Test
    void anExpiryPastProofTtlIsRefusedByName() {
        assertRefused(valid().put("expires_at", NOW.plus(TTL).plusMillis(1).toString()),
                "expires_at must be at most proof_ttl (600 s) from now");
    }

    @Test
    void aNonceUnderEightBytesIsRefusedByName() {
        assertRefused(valid().put("nonce", "01020304050607"), "nonce must be at least 8 bytes");
    }

    @Test
    void anEmptyNonceIsRefusedAsTheOriginalDoes() {
        assertRefused(valid().put("nonce", ""), "nonce must be at least 8 bytes");
    }

    @Test
    void aNonceOverSixtyFourBytesIsRefusedByName() {
        assertRefused(valid().put("nonce", "00".repeat(65)), "nonce must be at most 64 bytes");
    }

    @Test
    void aNonceOfSixtyFourBytesIsAccepted() throws Exception {
        assertEquals(64, read(valid().put("nonce", "00".repeat(64))).nonce().length);
    }

    @Test
    void aNonceThatIsNotHexIsRefusedByName() {
        assertRefused(valid().put("nonce", "0102030405060708x"), "nonce must be hex");
        assertRefused(valid().put("nonce", "qq".repeat(8)), "nonce must be hex");
    }

    @Test
    void aNonceThatIsNotAStringIsRefusedByName() {
        assertRefused(valid().put("nonce", 12345678), "nonce must be a string of hex");
    }

    private static ObjectNode valid() {
        ObjectNode body = Json.object();
        body.put("public_key", KEY);
        body.put("signature", SIGNATURE);
        body.put("expires_at", NOW.plusSeconds(300).toString());
        return body;
    }

    private static RotationRequest read(ObjectNode body) throws ApiException {
        RestRequest request = new RestRequest("POST", RotationRoutes.PATH, Map.of(),
                Map.of("content-type", List.of("application/json")), Json.bytes(body), "127.0.0.1");
        return RotationRequest.read(JsonBody.of(request), NOW, TTL);
    }

    private static void assertRefused(ObjectNode body, String detail) {
        ApiException e = assertThrows(ApiException.class, () -> read(body));
        assertEquals(ApiException.Kind.BAD_REQUEST, e.kind());
        assertEquals(detail, e.getMessage());
    }
}
