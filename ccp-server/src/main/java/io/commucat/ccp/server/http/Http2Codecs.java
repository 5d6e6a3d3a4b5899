package io.commucat.ccp.server.http;

import io.commucat.ccp.server.config.ServerConfig.HttpLimits;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.time.Duration;

/**
 * The server's {@link Http2FrameCodec}: SETTINGS from {@code [security.http]} and Netty's abuse
 * limits set explicitly, so a Netty upgrade cannot silently change them (docs/transport.md).
 */
final class Http2Codecs {

    /** Empty DATA frames in a row before the connection is closed (Netty's default). */
    static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;
    /**
     * Control frames (SETTINGS ACK, PING ACK, RST) queued for a peer that does not read before
     * the connection is closed: stops SETTINGS and PING floods (CVE-2019-9512/9515).
     */
    static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    /** Small CONTINUATION frames per header block (CVE-2024 "CONTINUATION flood"). */
    static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

    private Http2Codecs() {
    }

    /**
     * Raises the connection-level receive window of {@code codec} (already in its pipeline) to
     * {@code target} with a WINDOW_UPDATE on stream 0. Netty only grows it by the stream
     * window's excess over 65 535, so without this all streams of a connection share 64 KiB.
     */
    static void growConnectionWindow(Http2FrameCodec codec, int target) throws Http2Exception {
        Http2Stream connection = codec.connection().connectionStream();
        Http2LocalFlowController flow = codec.connection().local().flowController();
        int delta = target - flow.windowSize(connection);
        if (delta > 0) {
            flow.incrementWindowSize(connection, delta);
        }
    }

    static Http2FrameCodec server(HttpLimits limits, Duration drainTimeout) {
        Http2Settings settings = new Http2Settings()
                .maxConcurrentStreams(limits.maxConcurrentStreams())
                .initialWindowSize(limits.initialWindowSize())
                .maxHeaderListSize(limits.maxHeaderListSize())
                .maxFrameSize(limits.maxFrameSize())
                // RFC 8441: WebSocket /connect as an extended CONNECT on a stream.
                .connectProtocolEnabled(true);
        int rstWindowSeconds = (int) Math.max(1, limits.rstWindow().toSeconds());
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                // A graceful close (GOAWAY) waits this long for open streams; shutdown's drain.
                .gracefulShutdownTimeoutMillis(drainTimeout.toMillis())
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                // Rapid reset (CVE-2023-44487): resets the client sends.
                .decoderEnforceMaxRstFramesPerWindow(limits.maxRstFrames(), rstWindowSeconds)
                // "MadeYouReset" (CVE-2025-55163): resets the client makes us send (errors only).
                .encoderEnforceMaxRstFramesPerWindow(limits.maxRstFrames(), rstWindowSeconds)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .build();
    }
}
