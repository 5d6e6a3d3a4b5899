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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test double of the session core (not of the network): every upstream byte goes straight back
 * down; the end of the upload ends the response; shutdown writes {@code bye} and ends it.
 */
final class EchoHandler implements ConnectHandler {

    static final Frame FRAME = Frame.opaque(FrameType.MSG, 0, 0, new byte[0]);
    static final byte[] BYE = "bye".getBytes(StandardCharsets.US_ASCII);

    final List<Echo> streams = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    /** The client address each stream was opened with. */
    final List<String> remoteAddresses = new CopyOnWriteArrayList<>();
    final AtomicLong received = new AtomicLong();
    final CountDownLatch opened;

    EchoHandler() {
        this(1);
    }

    EchoHandler(int expectedOpens) {
        opened = new CountDownLatch(expectedOpens);
    }

    @Override
    public ConnectStream open(Downstream downstream, EventLoop loop, String remoteAddress) {
        Echo echo = new Echo(downstream, loop);
        streams.add(echo);
        threads.add(Thread.currentThread().getName());
        remoteAddresses.add(remoteAddress);
        opened.countDown();
        return echo;
    }

    final class Echo implements ConnectStream {
        final Downstream downstream;
        final EventLoop loop;
        final CountDownLatch upstreamEnded = new CountDownLatch(1);
        final CountDownLatch transportClosed = new CountDownLatch(1);
        final CountDownLatch shutdown = new CountDownLatch(1);
        volatile boolean offLoopCall;

        Echo(Downstream downstream, EventLoop loop) {
            this.downstream = downstream;
            this.loop = loop;
        }

        @Override
        public void onBytes(byte[] data, int off, int len) {
            check();
            received.addAndGet(len);
            downstream.write(FRAME, Arrays.copyOfRange(data, off, off + len));
        }

        @Override
        public void onUpstreamEnd() {
            check();
            upstreamEnded.countDown();
            downstream.close();
        }

        @Override
        public void onTransportClosed() {
            check();
            transportClosed.countDown();
        }

        @Override
        public void onReady() {
            check();
        }

        @Override
        public void shutdown() {
            check();
            shutdown.countDown();
            downstream.write(FRAME, BYE);
            downstream.close();
        }

        private void check() {
            offLoopCall |= !loop.inEventLoop();
        }
    }
}
