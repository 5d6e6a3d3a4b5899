package io.commucat.ccp.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a {@link CcpClient} operation failed. Branch on {@link #kind()}; for {@link Kind#REFUSED}
 * the server's problem+json is in {@link #status()}, {@link #title()}, {@link #detail()} and
 * {@link #retryAfter()}. Unchecked: it arrives through a failed {@code CompletableFuture}.
 */
public final class CcpException extends RuntimeException {

    /** What went wrong, for the application to branch on. */
    public enum Kind {
        /** The server could not be reached, or the connection was lost. */
        UNREACHABLE,
        /** The server answered with an error (4xx or 5xx): see {@link #status()}. */
        REFUSED,
        /** The server refused the device's bootstrap ({@code Error handshake}). */
        HANDSHAKE,
        /** The operation needs a stored identity and the identity store holds none. */
        NO_IDENTITY,
        /** The answer did not make sense (a bug on one side or a server of another protocol). */
        PROTOCOL,
        /** The identity store could not be read or written. */
        STORE,
        /**
         * The server's certificate is not trusted: not issued by a trusted CA, not for the
         * server's host name, or not the pinned one.
         */
        UNTRUSTED,
        /** The client or the session was closed. */
        CLOSED,
        /** Too many requests wait for the server's answer; wait for some of them before sending more. */
        OVERLOADED
    }

    private final Kind kind;
    private final int status;
    private final String title;
    private final String detail;
    private final Duration retryAfter;

    CcpException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, 0, null, null, null);
    }

    private CcpException(Kind kind, String message, Throwable cause, int status, String title, String detail,
            Duration retryAfter) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /** The server's refusal, from its problem+json answer. */
    static CcpException refused(String operation, int status, String title, String detail, Duration retryAfter) {
        return new CcpException(Kind.REFUSED, operation + ": " + (status == 0 ? "" : "HTTP " + status + " ")
                + (title == null ? "" : title)
                + (detail == null || detail.isEmpty() ? "" : ": " + detail), null, status, title, detail, retryAfter);
    }

    /** @return what went wrong */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status of a {@link Kind#REFUSED} failure; 0 otherwise. */
    public int status() {
        return status;
    }

    /** The problem's title ({@code BadRequest}, {@code Conflict}, ...) of a refusal; empty otherwise. */
    public Optional<String> title() {
        return Optional.ofNullable(title);
    }

    /** The problem's detail of a refusal (names the field or rule); empty otherwise. */
    public Optional<String> detail() {
        return Optional.ofNullable(detail);
    }

    /** How long the server asked to wait ({@code Retry-After}), when it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
