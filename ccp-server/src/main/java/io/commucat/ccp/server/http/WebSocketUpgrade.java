package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import java.util.Base64;

/**
 * Turns an exchange the plan chose WebSocket for into a {@link WebSocketConnectHandler}: the
 * RFC 6455 opening handshake on an HTTP/1.1 connection (validated here, answered by Netty's
 * {@link WebSocketServerHandshaker13}), or an RFC 8441 extended CONNECT on an HTTP/2 stream.
 * No extension is ever negotiated (permessage-deflate offers are ignored: compressing
 * ciphertext gains nothing and costs memory per connection) and no subprotocol is chosen.
 * Event loop only.
 */
final class WebSocketUpgrade {

    /**
     * The largest frame payload a peer may send: a text message's base64 of the largest write
     * (one 16 MiB frame's records, {@link ConnectBridge#LARGEST_WRITE}). Over it, the decoder
     * closes with 1009 before buffering the payload.
     */
    static final int MAX_FRAME_PAYLOAD = (int) (4 * ((ConnectBridge.LARGEST_WRITE + 2) / 3));
    /** User event on an HTTP/2 stream's pipeline: the request ended (END_STREAM) without a Close. */
    static final Object STREAM_ENDED = new Object() {
        @Override
        public String toString() {
            return "STREAM_ENDED";
        }
    };
    private static final String VERSION = "13";
    private static final int KEY_BYTES = 16;

    private WebSocketUpgrade() {
    }

    /** Netty's frame decoder settings: masked client frames only, no extensions, close on a violation. */
    static WebSocketDecoderConfig decoderConfig() {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .withUTF8Validator(true)
                .build();
    }

    /**
     * Why {@code request} is no valid RFC 6455 opening handshake (400, or 426 naming the version
     * and upgrade we speak); {@code null} when it is one.
     */
    static RestResponse refusal(HttpRequest request) {
        if (!HttpMethod.GET.equals(request.method()) || !HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
            return Problem.of(400, "a WebSocket /connect is an HTTP/1.1 GET upgrade (RFC 6455)");
        }
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!upgrade || !VERSION.equals(version == null ? null : version.trim())) {
            return upgradeRequired();
        }
        if (!validKey(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
            return Problem.of(400, "Sec-WebSocket-Key must be base64 of 16 bytes");
        }
        return null;
    }

    /** 426 with the upgrade and version this server speaks (RFC 6455 §4.4). */
    static RestResponse upgradeRequired() {
        return Problem.of(426, "WebSocket /connect needs Upgrade: websocket, Connection: upgrade and Sec-WebSocket-Version: 13")
                .withHeader("upgrade", "websocket")
                .withHeader("sec-websocket-version", VERSION);
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Answers a valid handshake ({@link #refusal} returned {@code null}) with 101 and, once it is
     * out, replaces the HTTP/1.1 handlers with the WebSocket codec and a
     * {@link WebSocketConnectHandler}. The connection's deadlines stop: an upgraded connection is
     * not an idle HTTP/1.1 one (TCP keepalive watches it, as it does a binary /connect).
     */
    static void upgradeHttp1(ChannelHandlerContext dispatcher, HttpRequest request, ServerContext context,
            String route, String remoteAddress) {
        Channel channel = dispatcher.channel();
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.remove(Http1Deadlines.class);
        pipeline.remove("keepalive");
        DefaultHttpHeaders extra = new DefaultHttpHeaders();
        extra.set(ResponseHeads.CONNECT_MODE_HEADER, ConnectMode.WEBSOCKET.wireName());
        extra.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        WebSocketServerHandshaker13 handshaker = new WebSocketServerHandshaker13("wss://" + host + "/connect", null,
                decoderConfig());
        DefaultFullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        ChannelPromise done = channel.newPromise();
        context.metrics().request(route, 101);
        // Netty puts its frame codec before the HTTP codec and removes the latter once 101 is out.
        handshaker.handshake(channel, full, extra, done);
        done.addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                return;
            }
            WebSocketConnectHandler handler = new WebSocketConnectHandler(context, remoteAddress);
            pipeline.remove("hsts");
            pipeline.replace(Http1Dispatcher.class, "websocket", handler);
            Draining.register(channel, handler::drain);
        });
    }

    /**
     * Serves an RFC 8441 extended CONNECT on an HTTP/2 stream: 200 at once, then WebSocket
     * frames ride the stream's DATA ({@link Http2WebSocketStream}); the stream's flow control
     * still applies.
     */
    static void acceptHttp2(ChannelHandlerContext router, ServerContext context, String route, String remoteAddress) {
        context.metrics().request(route, 200);
        router.writeAndFlush(new DefaultHttp2HeadersFrame(ResponseHeads.h2WebSocket(), false));
        ChannelPipeline pipeline = router.pipeline();
        // The router goes first: the handler's first read may deliver frames at once.
        pipeline.replace(router.handler(), "h2frames", new Http2WebSocketStream());
        // Encoder below the decoder: the Close the decoder writes on a violation is encoded too.
        pipeline.addLast("wsencoder", new WebSocket13FrameEncoder(false));
        pipeline.addLast("wsdecoder", new WebSocket13FrameDecoder(decoderConfig()));
        pipeline.addLast("websocket", new WebSocketConnectHandler(context, remoteAddress));
    }
}
