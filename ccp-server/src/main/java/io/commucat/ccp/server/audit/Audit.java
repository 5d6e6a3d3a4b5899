package io.commucat.ccp.server.audit;

import io.commucat.ccp.crypto.cert.CertificateFields;
import io.commucat.ccp.ledger.Ledger;
import io.commucat.ccp.ledger.LedgerEvent;
import io.commucat.ccp.ledger.LedgerException;
import io.commucat.ccp.ledger.LedgerStats;
import io.commucat.ccp.ledger.NullLedger;
import io.commucat.ccp.ledger.QueueOptions;
import io.commucat.ccp.ledger.Receipt;
import io.commucat.ccp.server.connect.HandshakeReport;
import io.commucat.ccp.server.connect.SessionEnd;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one way into the audit ledger (ccp-1.md §4.5, docs/ledger.md "Server events"):
 * a typed method per event, so every feature writes the same fields under the same names.
 * Methods never wait for the write (they may run on an event loop); a failed write is logged
 * here, since the caller has moved on. Secrets never go in: callers pass ids, versions and
 * serials, and the ledger refuses secret-looking field names as a backstop. Thread-safe.
 */
public final class Audit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    private final Ledger ledger;

    public Audit(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Auditing off: events are accepted and dropped (tests, tools). */
    public static Audit discarding() {
        return new Audit(Ledger.start(new NullLedger(), QueueOptions.defaults()));
    }

    // ---- server ----

    public CompletableFuture<Receipt> serverStarted(String version, String nodeId, String configDigest) {
        return server("start", version, nodeId, configDigest);
    }

    public CompletableFuture<Receipt> serverStopped(String version, String nodeId, String configDigest) {
        return server("stop", version, nodeId, configDigest);
    }

    private CompletableFuture<Receipt> server(String action, String version, String nodeId, String configDigest) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("version", version);
        f.put("node_id", nodeId);
        f.put("config_sha256", configDigest);
        return action("server", action, f);
    }

    // ---- handshake (§4.5) ----

    /** {@code reason}: read, decode, handshake, client-closed; {@code detail}: the Error's detail or null. */
    public CompletableFuture<Receipt> handshakeFailed(HandshakeReport report, String reason, String detail) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("reason", reason);
        handshake(report, f);
        f.put("detail", detail);
        return result("handshake", "failure", f);
    }

    /**
     * Failures counted but not written one by one ({@link FailureDigest}): {@code remote_addr} is
     * the address key ({@code 192.0.2.7}, {@code 2001:db8:1:2::/64}, or {@code other} for the
     * addresses past the digest's table), {@code count} how many, {@code reasons} how many per
     * reason ({@code client-closed} as {@code client_closed}), {@code first_at} / {@code last_at}
     * the first and last of them, {@code interval_ms} the digest's interval.
     */
    CompletableFuture<Receipt> handshakeFailuresSummarized(RepeatedFailures.Summary summary, Duration interval) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("remote_addr", summary.address() == null ? "other" : summary.address().toString());
        f.put("count", summary.count());
        Map<String, Object> reasons = new java.util.TreeMap<>();
        summary.reasons().forEach((reason, n) -> reasons.put(reason.replace('-', '_'), n));
        f.put("reasons", reasons);
        f.put("first_at", summary.firstAt().toString());
        f.put("last_at", summary.lastAt().toString());
        f.put("interval_ms", interval.toMillis());
        return result("handshake", "failure_summary", f);
    }

    public CompletableFuture<Receipt> handshakeSucceeded(HandshakeReport report) {
        Map<String, Object> f = new LinkedHashMap<>();
        handshake(report, f);
        return result("handshake", "success", f);
    }

    private static void handshake(HandshakeReport r, Map<String, Object> f) {
        f.put("stage", r.stage());
        f.put("remote_addr", address(r.remoteAddress()));
        f.put("device", r.deviceId());
        f.put("user", r.userId());
        f.put("device_known", r.deviceKnown());
        f.put("noise_key_version", r.noiseKeyVersion());
        f.put("protocol_version", r.protocolVersion());
        f.put("pattern", r.pattern());
        f.put("session", r.sessionId());
    }

    // ---- devices ----

    /** A device was registered, by a Hello ({@code via: hello}) or a pairing claim ({@code pair-claim}). */
    public CompletableFuture<Receipt> deviceRegistered(String deviceId, String userId, String via, String remoteAddr) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("device", deviceId);
        f.put("user", userId);
        f.put("via", via);
        f.put("remote_addr", address(remoteAddr));
        return action("device", "register", f);
    }

    /** The device CA issued a certificate (serial as decimal text: serials may exceed a long). */
    public CompletableFuture<Receipt> certificateIssued(String deviceId, String userId, String serial, Instant issuedAt,
            Instant expiresAt) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("device", deviceId);
        f.put("user", userId);
        f.put("serial", serial);
        f.put("issued_at", issuedAt.toString());
        f.put("expires_at", expiresAt.toString());
        return action("device", "certificate", f);
    }

    // ---- sessions ----

    /** {@code report}'s session took the device over from {@code previousSession}. */
    public CompletableFuture<Receipt> sessionReplaced(HandshakeReport report, String previousSession) {
        Map<String, Object> f = session(report);
        f.put("previous_session", previousSession);
        return action("session", "replace", f);
    }

    public CompletableFuture<Receipt> sessionEnded(HandshakeReport report, SessionEnd reason) {
        Map<String, Object> f = session(report);
        f.put("reason", reason.label());
        return action("session", "end", f);
    }

    private static Map<String, Object> session(HandshakeReport r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("session", r.sessionId());
        f.put("device", r.deviceId());
        f.put("user", r.userId());
        f.put("remote_addr", address(r.remoteAddress()));
        return f;
    }

    // ---- keys ----

    /** This node added Noise static key {@code version}; only its public schedule is recorded. */
    public CompletableFuture<Receipt> noiseKeyRotated(int version, Instant validAfter, Instant rotatesAt,
            Instant expiresAt) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("version", version);
        f.put("valid_after", validAfter.toString());
        f.put("rotates_at", rotatesAt.toString());
        f.put("expires_at", expiresAt.toString());
        return action("noise_key", "rotate", f);
    }

    // ---- device key rotation (POST /api/device/csr) ----

    /**
     * A device replaced its key through a signed request and got a certificate for the new one
     * ({@code source: device-csr}, as the original). Public keys and ids only: the request's
     * signature and nonce prove nothing to a reader of the ledger and stay out.
     */
    public CompletableFuture<Receipt> deviceKeyRotated(String deviceId, String userId, String rotationId,
            String eventId, String oldPublicKey, String publicKey, CertificateFields certificate) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("device", deviceId);
        f.put("user", userId);
        f.put("source", "device-csr");
        f.put("rotation_id", rotationId);
        f.put("event_id", eventId);
        f.put("old_public_key", oldPublicKey);
        f.put("public_key", publicKey);
        f.put("certificate_serial", certificate.serialText());
        f.put("certificate_issued_at", Instant.ofEpochSecond(certificate.issuedAt()).toString());
        f.put("certificate_expires_at", Instant.ofEpochSecond(certificate.expiresAt()).toString());
        return action("device", "rotate", f);
    }

    // ---- contacts (rest.md "Contacts"): user ids only, never aliases or messages ----

    /** A user replaced their friends list; {@code count} entries now (who they are is not recorded). */
    public CompletableFuture<Receipt> friendsReplaced(String userId, int count) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", userId);
        f.put("count", count);
        return action("contacts", "replace", f);
    }

    public CompletableFuture<Receipt> friendRequestCreated(String fromUserId, String toUserId) {
        return friendRequest("request", fromUserId, toUserId);
    }

    public CompletableFuture<Receipt> friendRequestAccepted(String fromUserId, String toUserId) {
        return friendRequest("accept", fromUserId, toUserId);
    }

    public CompletableFuture<Receipt> friendRequestRejected(String fromUserId, String toUserId) {
        return friendRequest("reject", fromUserId, toUserId);
    }

    /** {@code userId} dropped {@code friendId} from their list. */
    public CompletableFuture<Receipt> friendDeleted(String userId, String friendId) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", userId);
        f.put("friend", friendId);
        return action("contacts", "delete", f);
    }

    private CompletableFuture<Receipt> friendRequest(String action, String fromUserId, String toUserId) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("from", fromUserId);
        f.put("to", toUserId);
        return action("contacts", action, f);
    }

    // ---- pairing (rest.md "POST /api/pair", "POST /api/pair/claim", "POST /api/admin/enroll") ----
    // A code appears only as its code_id (the first 16 hex digits of its stored keyed hash), never
    // as the code; a claim's key appears only in the certificate's own record, never a private key.

    /** A pairing code was issued; {@code issuerDeviceId} is null for an admin enrolment. */
    public CompletableFuture<Receipt> pairingCodeIssued(String userId, String issuerDeviceId, String codeId,
            Instant expiresAt) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", userId);
        f.put("issuer_device", issuerDeviceId);
        f.put("code_id", codeId);
        f.put("expires_at", expiresAt.toString());
        return action("pairing", "issue", f);
    }

    /**
     * A claim of a live code was refused for a bad or missing proof, and counted against the code.
     *
     * @param failedAttempts the code's failed attempts after this one
     */
    public CompletableFuture<Receipt> pairingClaimFailed(String codeId, String userId, String reason,
            int failedAttempts, String remoteAddr) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("code_id", codeId);
        f.put("user", userId);
        f.put("reason", reason);
        f.put("failed_attempts", failedAttempts);
        f.put("remote_addr", address(remoteAddr));
        return result("pairing", "failure", f);
    }

    /** The failed attempt that locked a code for good. */
    public CompletableFuture<Receipt> pairingCodeLocked(String codeId, String userId, String remoteAddr) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("code_id", codeId);
        f.put("user", userId);
        f.put("remote_addr", address(remoteAddr));
        return action("pairing", "lock", f);
    }

    /**
     * The certificate a pairing claim issued (the original's {@code action: certificate,
     * source: pair-claim}); {@code code_id} names the code redeemed.
     */
    public CompletableFuture<Receipt> pairingCertificateIssued(String deviceId, String userId, String codeId,
            String serial, Instant issuedAt, Instant expiresAt) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("device", deviceId);
        f.put("user", userId);
        f.put("source", "pair-claim");
        f.put("code_id", codeId);
        f.put("serial", serial);
        f.put("issued_at", issuedAt.toString());
        f.put("expires_at", expiresAt.toString());
        return action("device", "certificate", f);
    }

    /**
     * An admin enrolled a user (created now or found by handle) and issued it code {@code codeId};
     * {@code codeId} and {@code expiresAt} are null when the user was created but no code could be
     * issued (the live-code cap, storage).
     */
    public CompletableFuture<Receipt> userEnrolled(String userId, boolean userCreated, String codeId,
            Instant expiresAt) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", userId);
        f.put("user_created", userCreated);
        f.put("code_id", codeId);
        f.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        return action("user", "enroll", f);
    }

    // ---- device revocation (rest.md "Devices and revocation") ----

    /**
     * {@code deviceId} of {@code userId} was revoked by {@code by}: the calling device's id, or
     * {@code admin} for the admin token.
     */
    public CompletableFuture<Receipt> deviceRevoked(String deviceId, String userId, String by, String remoteAddr) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("device", deviceId);
        f.put("user", userId);
        f.put("by", by);
        f.put("remote_addr", address(remoteAddr));
        return action("device", "revoke", f);
    }

    // ---- plumbing ----

    /** {@code host:port}: Java's {@code /127.0.0.1:443} without the empty host name before the slash. */
    private static String address(String remote) {
        return remote != null && remote.startsWith("/") ? remote.substring(1) : remote;
    }

    /** Appends {@code {scope, action, fields}}; see {@link #append}. */
    CompletableFuture<Receipt> action(String scope, String action, Map<String, ?> fields) {
        return append(scope, action, () -> LedgerEvent.action(scope, action, fields));
    }

    /** Appends {@code {scope, result, fields}}; see {@link #append}. */
    CompletableFuture<Receipt> result(String scope, String result, Map<String, ?> fields) {
        return append(scope, result, () -> LedgerEvent.result(scope, result, fields));
    }

    /**
     * Appends without waiting. An event the ledger refuses (a programming error: a secret-looking
     * name, a byte array) or cannot write is logged and reported through the returned future,
     * never thrown at the caller: an audit problem must not break the session that caused it.
     */
    private CompletableFuture<Receipt> append(String scope, String name, Supplier<LedgerEvent> event) {
        CompletableFuture<Receipt> receipt;
        try {
            receipt = ledger.append(event.get());
        } catch (RuntimeException e) {
            LOG.error("audit event {}/{} refused: {}", scope, name, e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        receipt.whenComplete((ok, error) -> {
            if (error != null) {
                LOG.error("audit event {}/{} not written: {}", scope, name, error.toString());
            }
        });
        return receipt;
    }

    public LedgerStats stats() {
        return ledger.stats();
    }

    /** Writes everything accepted, then closes the ledger. */
    @Override
    public void close() throws LedgerException {
        ledger.close();
    }
}
