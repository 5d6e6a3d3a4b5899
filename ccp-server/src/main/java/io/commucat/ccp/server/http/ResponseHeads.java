package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.RestResponse;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.buffer.Unpooled;
import java.util.Map;

/**
 * Response heads for both protocols, built in one place so every response carries
 * {@code cache-control: no-store} (ccp-1.md §1).
 */
final class ResponseHeads {

    static final String CONNECT_MODE_HEADER = "x-commucat-connect-mode";
    /** SSE and long-poll: proxies (nginx and the like) pass each event on as it is written. */
    static final String ACCEL_BUFFERING = "x-accel-buffering";
    /** A 204 has no body, no content type, and must not carry a content length (RFC 9110 §8.6). */
    private static final int NO_CONTENT = 204;

    private ResponseHeads() {
    }

    static Http2Headers h2(RestResponse response) {
        Http2Headers headers = new DefaultHttp2Headers().status(Integer.toString(response.status()));
        if (response.contentType() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        if (response.status() != NO_CONTENT) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        }
        headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().forEach(headers::set);
        return headers;
    }

    static Http2Headers h2Connect(ConnectMode mode) {
        Http2Headers headers = new DefaultHttp2Headers().status("200")
                .set(HttpHeaderNames.CONTENT_TYPE, mode.contentType())
                .set(CONNECT_MODE_HEADER, mode.wireName())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (mode != ConnectMode.BINARY) {
            headers.set(ACCEL_BUFFERING, "no");
        }
        return headers;
    }

    /** RFC 8441: a 200 with no body type; WebSocket frames follow in DATA. */
    static Http2Headers h2WebSocket() {
        return new DefaultHttp2Headers().status("200")
                .set(CONNECT_MODE_HEADER, ConnectMode.WEBSOCKET.wireName())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    }

    static FullHttpResponse h1(RestResponse response, boolean close) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        if (response.status() != NO_CONTENT) {
            out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        }
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        for (Map.Entry<String, String> e : response.headers().entrySet()) {
            out.headers().set(e.getKey(), e.getValue());
        }
        if (close) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return out;
    }

    static HttpResponse h1Connect(ConnectMode mode) {
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, mode.contentType());
        out.headers().set(CONNECT_MODE_HEADER, mode.wireName());
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (mode != ConnectMode.BINARY) {
            out.headers().set(ACCEL_BUFFERING, "no");
        }
        HttpUtil.setTransferEncodingChunked(out, true);
        return out;
    }

    static HttpResponse h1Continue() {
        HttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE);
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return out;
    }
}
