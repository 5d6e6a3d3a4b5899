package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig.Timeouts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2Deadlines} on an {@link EmbeddedChannel} with a frozen clock: the frame boundaries
 * it follows in the raw bytes, whatever their chunking, and its two timers. Header deadline 1 s,
 * idle 5 s.
 */
class Http2DeadlinesTest {

    static final byte[] SETTINGS = {0, 0, 0, 0x4, 0, 0, 0, 0, 0};
    /** HEADERS on stream 1, END_HEADERS set. */
    static final byte[] HEADERS_WHOLE = {0, 0, 1, 0x1, 0x4, 0, 0, 0, 1, (byte) 0x82};
    /** HEADERS on stream 3 without END_HEADERS, then its CONTINUATION with it. */
    static final byte[] HEADERS_OPEN = {0, 0, 1, 0x1, 0x0, 0, 0, 0, 3, (byte) 0x82};
    static final byte[] CONTINUATION_END = {0, 0, 1, 0x9, 0x4, 0, 0, 0, 3, (byte) 0x84};

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private EmbeddedChannel channel;
    private Http2Deadlines deadlines;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        HttpMetrics metrics = new HttpMetrics(registry, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
        deadlines = new Http2Deadlines(new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5)), metrics);
        channel.pipeline().addLast(deadlines);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aPrefaceAndSettingsSentOneByteAtATimeMeetTheHeaderDeadline() {
        sendByteByByte(concat(preface(), SETTINGS));
        after(900);
        assertTrue(channel.isOpen());
        after(900);
        assertTrue(channel.isOpen(), "the preface is complete: only the idle deadline runs now");
        assertEquals(0, closed("header_timeout"));
    }

    @Test
    void aPrefaceWithoutItsSettingsIsCutAtTheHeaderDeadline() {
        send(preface());
        after(1_100);
        assertFalse(channel.isOpen());
        assertEquals(1, closed("header_timeout"));
    }

    @Test
    void aHeaderBlockThatEndsInTimeIsNotCut() {
        send(concat(preface(), SETTINGS));
        deadlines.streamOpened(); // no idle deadline either
        sendByteByByte(concat(HEADERS_WHOLE, HEADERS_OPEN));
        after(600);
        sendByteByByte(CONTINUATION_END);
        after(900);
        assertTrue(channel.isOpen());
    }

    @Test
    void aHeaderBlockWithoutItsEndIsCutAtTheHeaderDeadline() {
        send(concat(preface(), SETTINGS));
        deadlines.streamOpened();
        send(HEADERS_OPEN);
        after(1_100);
        assertFalse(channel.isOpen());
        assertEquals(1, closed("header_timeout"));
    }

    @Test
    void aDataPayloadThatLooksLikeAHeadersFrameIsSkipped() {
        send(concat(preface(), SETTINGS));
        deadlines.streamOpened();
        byte[] data = concat(new byte[] {0, 0, (byte) HEADERS_OPEN.length, 0x0, 0x0, 0, 0, 0, 1}, HEADERS_OPEN);
        sendByteByByte(data);
        after(2_000);
        assertTrue(channel.isOpen());
    }

    @Test
    void anOpenStreamHoldsOffTheIdleDeadlineAndItsCloseStartsIt() {
        send(concat(preface(), SETTINGS));
        deadlines.streamOpened();
        after(20_000);
        assertTrue(channel.isOpen());
        deadlines.streamClosed();
        after(4_000);
        assertTrue(channel.isOpen());
        after(1_100);
        assertFalse(channel.isOpen());
        assertEquals(1, closed("idle"));
    }

    private static byte[] preface() {
        return ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private void send(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.releaseInbound();
    }

    private void sendByteByByte(byte[] bytes) {
        for (byte b : bytes) {
            send(new byte[] {b});
        }
    }

    private void after(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    private double closed(String reason) {
        Counter counter = registry.find("ccp.connections.closed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
