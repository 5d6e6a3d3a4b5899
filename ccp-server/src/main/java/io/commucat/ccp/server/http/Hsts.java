package io.commucat.ccp.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import java.time.Duration;

/**
 * {@code strict-transport-security} on every final response, h2 and HTTP/1.1 (RFC 6797: the
 * listener speaks only HTTPS, so browsers may refuse plain HTTP to it). A connection-level
 * outbound handler rather than one more line in {@link ResponseHeads}: it also covers
 * responses that handlers write themselves (refusals, deadline answers). Stateless, shared.
 */
final class Hsts {

    /** Lower case: HTTP/2 requires it, HTTP/1.1 does not mind. */
    static final AsciiString HEADER = AsciiString.cached("strict-transport-security");

    private Hsts() {
    }

    /** The header value, e.g. {@code max-age=31536000}. */
    static String value(Duration maxAge) {
        return "max-age=" + maxAge.toSeconds();
    }

    /** For an HTTP/2 connection: between the frame codec and the stream multiplexer. */
    static ChannelHandler h2(String value) {
        return new H2(value);
    }

    /** For an HTTP/1.1 connection: after the server codec. */
    static ChannelHandler h1(String value) {
        return new H1(value);
    }

    @ChannelHandler.Sharable
    private static final class H2 extends ChannelOutboundHandlerAdapter {
        private final String value;

        H2(String value) {
            this.value = value;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof Http2HeadersFrame frame && isFinal(frame.headers())) {
                frame.headers().set(HEADER, value);
            }
            ctx.write(msg, promise);
        }

        /** A response head with a 2xx–5xx status; trailers (no :status) and 1xx are left alone. */
        private static boolean isFinal(Http2Headers headers) {
            CharSequence status = headers.status();
            return status != null && status.length() == 3 && status.charAt(0) != '1';
        }
    }

    @ChannelHandler.Sharable
    private static final class H1 extends ChannelOutboundHandlerAdapter {
        private final String value;

        H1(String value) {
            this.value = value;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse response && response.status().code() >= 200) {
                response.headers().set(HEADER, value);
            }
            ctx.write(msg, promise);
        }
    }
}
