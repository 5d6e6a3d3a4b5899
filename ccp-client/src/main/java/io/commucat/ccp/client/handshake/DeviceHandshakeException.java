package io.commucat.ccp.client.handshake;

/** The server refused the bootstrap, or answered something a device cannot accept. */
public final class DeviceHandshakeException extends Exception {

    public enum Kind {
        /** The server sent an {@code Error} frame; {@link #serverError()} has its fields. */
        REFUSED,
        /** The server's answer breaks the protocol (wrong frame, bad Noise message, missing field). */
        PROTOCOL
    }

    private final Kind kind;
    private final String serverError;
    private final String serverDetail;
    private final boolean pairingRequired;

    public DeviceHandshakeException(Kind kind, String message, String serverError, String serverDetail,
            boolean pairingRequired) {
        super(message, null, false, false);
        this.kind = kind;
        this.serverError = serverError;
        this.serverDetail = serverDetail;
        this.pairingRequired = pairingRequired;
    }

    static DeviceHandshakeException protocol(String message) {
        return new DeviceHandshakeException(Kind.PROTOCOL, message, null, null, false);
    }

    public Kind kind() {
        return kind;
    }

    /** The {@code error} of the server's Error frame ({@code handshake}, {@code decode}), or null. */
    public String serverError() {
        return serverError;
    }

    /** The {@code detail} of the server's Error frame, or null. */
    public String serverDetail() {
        return serverDetail;
    }

    /** Whether the server said the device must be paired first. */
    public boolean pairingRequired() {
        return pairingRequired;
    }
}
