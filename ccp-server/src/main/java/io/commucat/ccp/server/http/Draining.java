package io.commucat.ccp.server.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * How shutdown asks one connection to finish: the protocol handler installed after ALPN
 * registers its own way (HTTP/2: GOAWAY then close when the streams are done; HTTP/1.1: close
 * now if idle, else after the response in flight). A connection still in its TLS handshake has
 * none and is closed outright.
 */
final class Draining {

    private static final AttributeKey<Runnable> KEY = AttributeKey.valueOf(Draining.class, "drain");

    private Draining() {
    }

    /** Called on the channel's loop by the protocol handler. */
    static void register(Channel channel, Runnable drain) {
        channel.attr(KEY).set(drain);
    }

    /** Any thread: runs the connection's drain on its loop. */
    static void drain(Channel channel) {
        channel.eventLoop().execute(() -> {
            Runnable drain = channel.attr(KEY).get();
            if (drain != null) {
                drain.run();
            } else {
                channel.close();
            }
        });
    }
}
