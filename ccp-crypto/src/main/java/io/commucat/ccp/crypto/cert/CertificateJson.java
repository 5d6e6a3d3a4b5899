package io.commucat.ccp.crypto.cert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Set;

/** Strict reading of the wire JSON of a certificate. */
final class CertificateJson {

    static final String SERIAL = "serial";
    static final String USER_ID = "user_id";
    static final String DEVICE_ID = "device_id";
    static final String PUBLIC_KEY = "public_key";
    static final String ISSUER = "issuer";
    static final String ISSUED_AT = "issued_at";
    static final String EXPIRES_AT = "expires_at";
    static final String SIGNATURE = "signature";

    private static final Set<String> FIELDS =
            Set.of(SERIAL, USER_ID, DEVICE_ID, PUBLIC_KEY, ISSUER, ISSUED_AT, EXPIRES_AT, SIGNATURE);

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    // Duplicate keys would let two readers see different certificates; trailing data is not one object.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private CertificateJson() {
    }

    static DeviceCertificate parse(String wireJson) throws CertificateException {
        if (wireJson == null) {
            throw new CertificateException(Kind.MALFORMED_JSON, "certificate is missing");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(wireJson);
        } catch (JacksonException e) {
            throw new CertificateException(Kind.MALFORMED_JSON, "certificate is not valid JSON");
        }
        return fromTree(tree);
    }

    static DeviceCertificate fromTree(JsonNode node) throws CertificateException {
        if (node == null || !node.isObject()) {
            throw new CertificateException(Kind.MALFORMED_JSON, "certificate must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            if (!FIELDS.contains(names.next())) {
                throw new CertificateException(Kind.UNKNOWN_FIELD, "certificate has an unknown field");
            }
        }
        CertificateFields fields;
        try {
            fields = new CertificateFields(
                    unsigned64(node), text(node, USER_ID), text(node, DEVICE_ID),
                    hex(node, PUBLIC_KEY, CertificateFields.KEY_LENGTH), hex(node, ISSUER, CertificateFields.KEY_LENGTH),
                    signed64(node, ISSUED_AT), signed64(node, EXPIRES_AT));
        } catch (IllegalArgumentException e) {
            // Only an unpaired surrogate in a string remains possible here.
            throw new CertificateException(Kind.INVALID_FIELD, "certificate string is not valid Unicode");
        }
        return new DeviceCertificate(fields, hex(node, SIGNATURE, DeviceCertificate.SIGNATURE_LENGTH));
    }

    private static JsonNode required(JsonNode node, String name) throws CertificateException {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new CertificateException(Kind.MISSING_FIELD, "certificate lacks " + name);
        }
        return value;
    }

    private static long unsigned64(JsonNode node) throws CertificateException {
        JsonNode value = required(node, SERIAL);
        if (!value.isIntegralNumber()) {
            throw invalid(SERIAL);
        }
        BigInteger serial = value.bigIntegerValue();
        if (serial.signum() < 0 || serial.compareTo(TWO_TO_64) >= 0) {
            throw invalid(SERIAL);
        }
        return serial.longValue(); // two's complement: the low 64 bits, unsigned meaning kept
    }

    private static long signed64(JsonNode node, String name) throws CertificateException {
        JsonNode value = required(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(name);
        }
        return value.longValue();
    }

    private static String text(JsonNode node, String name) throws CertificateException {
        JsonNode value = required(node, name);
        if (!value.isTextual()) {
            throw invalid(name);
        }
        return value.textValue();
    }

    private static byte[] hex(JsonNode node, String name, int length) throws CertificateException {
        String text = text(node, name);
        try {
            return Hex.decodeFixed(text, length);
        } catch (IllegalArgumentException e) {
            throw invalid(name);
        }
    }

    private static CertificateException invalid(String name) {
        return new CertificateException(Kind.INVALID_FIELD, "certificate field " + name + " is invalid");
    }
}
