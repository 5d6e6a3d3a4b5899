package io.commucat.ccp.server.http;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.connect.ConnectHandler;
import io.commucat.ccp.server.connect.ConnectStream;
import io.commucat.ccp.server.connect.Downstream;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test double of the session core (not of the network) numbering its writes as the real one does
 * (one counter per connection from 1, ccp-1.md §4.2): each upstream chunk comes back as a Msg on
 * channel 7 with the next sequence. The chunk {@code flood} makes it write 1 KiB frames for as
 * long as {@link Downstream#room()} allows, and again after each {@code onReady}; {@code close}
 * ends its downstream.
 */
final class SequencedEcho implements ConnectHandler {

    static final long CHANNEL = 7;
    static final int FLOOD_FRAME = 1024;

    final List<Session> sessions = new CopyOnWriteArrayList<>();
    final CompletableFuture<Session> first = new CompletableFuture<>();

    @Override
    public ConnectStream open(Downstream downstream, EventLoop loop, String remoteAddress) {
        Session s = new Session(downstream, loop);
        sessions.add(s);
        first.complete(s);
        return s;
    }

    static final class Session implements ConnectStream {
        final Downstream downstream;
        final EventLoop loop;
        final CountDownLatch transportClosed = new CountDownLatch(1);
        final CountDownLatch upstreamEnded = new CountDownLatch(1);
        final AtomicLong floodWrites = new AtomicLong();
        final AtomicLong readies = new AtomicLong();
        volatile boolean paused;
        private long sequence = 1;
        private boolean flooding;
        private boolean closed;

        Session(Downstream downstream, EventLoop loop) {
            this.downstream = downstream;
            this.loop = loop;
        }

        @Override
        public void onBytes(byte[] data, int off, int len) {
            byte[] chunk = Arrays.copyOfRange(data, off, off + len);
            String text = new String(chunk, StandardCharsets.ISO_8859_1);
            if (text.equals("flood")) {
                flooding = true;
                flood();
            } else if (text.equals("close")) {
                closed = true;
                downstream.close();
            } else {
                write(chunk);
            }
        }

        /** Writes {@code bytes} as the next Msg, from the session's loop. */
        void emit(byte[] bytes) {
            loop.execute(() -> {
                if (!closed) {
                    write(bytes);
                }
            });
        }

        private void write(byte[] bytes) {
            downstream.write(Frame.opaque(FrameType.MSG, CHANNEL, sequence++, new byte[0]), bytes);
        }

        private void flood() {
            while (flooding && !closed && downstream.room() > 0) {
                write(new byte[FLOOD_FRAME]);
                floodWrites.incrementAndGet();
            }
            paused = true;
        }

        @Override
        public void onUpstreamEnd() {
            upstreamEnded.countDown();
            closed = true;
            downstream.close();
        }

        @Override
        public void onTransportClosed() {
            closed = true;
            transportClosed.countDown();
        }

        @Override
        public void onReady() {
            readies.incrementAndGet();
            paused = false;
            flood();
        }

        @Override
        public void shutdown() {
            closed = true;
            downstream.close();
        }
    }
}
