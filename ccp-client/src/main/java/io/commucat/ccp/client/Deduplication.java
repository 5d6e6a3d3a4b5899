package io.commucat.ccp.client;

/**
 * How a {@link CcpSession} keeps a message from reaching the application twice.
 *
 * <p>CCP-1 delivers at least once: the server deletes a queued {@code Msg} only after the
 * device's acknowledgement, and delivers it again after a reconnect when that acknowledgement
 * was lost with the link (ccp-1.md §4.2). The wire carries no message id, so the SDK recognises
 * a message by its type, channel and a SHA-256 digest of its payload.
 *
 * <ul>
 *   <li>{@link #redeliveries()} (the default) drops, at the start of each new link, the
 *       messages the application already had: a server sends what it re-delivers before anything
 *       newer, so only messages that match the recent past at the head of a link are dropped,
 *       and the first that does not match ends the check. A message sent twice on purpose still
 *       arrives twice.</li>
 *   <li>{@link #byContent(int)} also drops a message equal to any of the last {@code window} the
 *       application received. This covers a sender's resend: a sender whose link broke before
 *       the server's Ack came sends the frame again, and when the first copy had been stored the
 *       recipient gets two envelopes. Choose it when payloads are unique (end-to-end encrypted
 *       payloads with a fresh nonce are; so is anything that carries its own id): an application
 *       that sends the same bytes twice on a channel on purpose would get them once.</li>
 * </ul>
 */
public final class Deduplication {

    /** Redelivered envelopes stay within the server's 256 deliveries in flight per session. */
    static final int REDELIVERY_WINDOW = 256;

    private final int window;
    private final boolean byContent;

    private Deduplication(int window, boolean byContent) {
        this.window = window;
        this.byContent = byContent;
    }

    /** Drops what the server delivers again after a reconnect (the default). */
    public static Deduplication redeliveries() {
        return new Deduplication(REDELIVERY_WINDOW, false);
    }

    /**
     * Drops any message equal to one of the last {@code window} delivered (and what the server
     * delivers again after a reconnect).
     *
     * @param window how many recent messages to remember (at least 1; about 100 bytes each)
     */
    public static Deduplication byContent(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + window);
        }
        return new Deduplication(Math.max(window, REDELIVERY_WINDOW), true);
    }

    int window() {
        return window;
    }

    boolean byContent() {
        return byContent;
    }

    @Override
    public String toString() {
        return byContent ? "Deduplication.byContent(" + window + ")" : "Deduplication.redeliveries()";
    }
}
