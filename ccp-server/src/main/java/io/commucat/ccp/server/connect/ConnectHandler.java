package io.commucat.ccp.server.connect;

import io.netty.channel.EventLoop;

/**
 * Opens the session behind a binary {@code /connect} stream: the factory seam between the
 * Netty transport and the transport-neutral session core.
 *
 * <p>Threading: {@link #open} is called on {@code loop}, the event loop that will make every
 * later call on the returned stream and on {@code downstream}.
 */
@FunctionalInterface
public interface ConnectHandler {

    /**
     * @param downstream    where the stream writes; the adapter sends what it gets at once
     * @param loop          the stream's event loop (also a {@code ScheduledExecutorService})
     * @param remoteAddress the client: the peer's {@code ip:port}, or behind a trusted proxy the
     *     address its header names ({@code admission.TrustedProxies}); for logs, reports, the
     *     ledger and the registration limit
     */
    ConnectStream open(Downstream downstream, EventLoop loop, String remoteAddress);

    /** The production handler: one {@link ConnectSession} per stream. */
    static ConnectHandler sessions(ConnectServices services) {
        return (downstream, loop, remote) -> new ConnectSession(services, downstream, loop, remote);
    }
}
