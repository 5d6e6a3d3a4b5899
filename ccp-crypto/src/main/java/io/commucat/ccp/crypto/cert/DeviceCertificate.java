package io.commucat.ccp.crypto.cert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import java.util.Arrays;
import java.util.Objects;

/**
 * A device certificate as exchanged on the wire (spec §3.6): the signed fields plus the CA's
 * Ed25519 signature. Parsing checks shape only; {@link CertificateVerifier} checks the signature
 * and {@link CertificateValidity} the dates and names.
 *
 * @param fields the signed fields
 * @param signature the CA's Ed25519 signature over {@link CertificateFields#canonicalBytes()}, 64 bytes
 */
public record DeviceCertificate(CertificateFields fields, byte[] signature) {

    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;

    /**
     * @throws IllegalArgumentException when the signature is not 64 bytes
     * @throws NullPointerException when an argument is null
     */
    public DeviceCertificate {
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(signature, "signature");
        if (signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("signature must be " + SIGNATURE_LENGTH + " bytes");
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Parses the wire JSON text: exactly the seven fields and {@code signature}, strictly typed.
     *
     * @throws CertificateException of a parse kind ({@code MALFORMED_JSON}, {@code MISSING_FIELD},
     *     {@code UNKNOWN_FIELD}, {@code INVALID_FIELD})
     */
    public static DeviceCertificate parse(String wireJson) throws CertificateException {
        return CertificateJson.parse(wireJson);
    }

    /**
     * Reads a certificate already parsed as a JSON object (e.g. inside Hello).
     *
     * @throws CertificateException of a parse kind, as {@link #parse(String)}
     */
    public static DeviceCertificate fromJson(JsonNode node) throws CertificateException {
        return CertificateJson.fromTree(node);
    }

    /** The wire form: canonical JSON of the fields with {@code "signature":hex} appended. */
    public String toWireJson() {
        return CanonicalJson.wire(fields, signature);
    }

    /**
     * The wire form as a Jackson tree (same keys and order, serial unsigned), for embedding in
     * other messages. Jackson may escape strings differently from {@link #toWireJson()}; that is
     * harmless because signatures are checked over re-made canonical bytes.
     */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (fields.serial() >= 0) {
            node.put(CertificateJson.SERIAL, fields.serial());
        } else {
            node.put(CertificateJson.SERIAL, fields.serialValue());
        }
        node.put(CertificateJson.USER_ID, fields.userId());
        node.put(CertificateJson.DEVICE_ID, fields.deviceId());
        node.put(CertificateJson.PUBLIC_KEY, Hex.encode(fields.publicKey()));
        node.put(CertificateJson.ISSUER, Hex.encode(fields.issuer()));
        node.put(CertificateJson.ISSUED_AT, fields.issuedAt());
        node.put(CertificateJson.EXPIRES_AT, fields.expiresAt());
        node.put(CertificateJson.SIGNATURE, Hex.encode(signature));
        return node;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeviceCertificate that
                && fields.equals(that.fields)
                && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return 31 * fields.hashCode() + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "DeviceCertificate[" + fields + ", signature=" + Hex.encode(signature) + "]";
    }
}
