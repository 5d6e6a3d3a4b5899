package io.commucat.ccp.server.e2e;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.proto.Frame;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One {@link DeviceConnection} under test, with everything it received kept for assertions. */
final class DeviceRun extends DeviceConnection.Listener {

    static final long WAIT_SECONDS = 10;
    /** Every session token a device was given, so the ledger can be searched for them. */
    static final Queue<String> TOKENS = new ConcurrentLinkedQueue<>();

    final List<Frame> bootstrapFrames = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<StreamClosure> closed = new CompletableFuture<>();
    final List<String> callbackThreads = new CopyOnWriteArrayList<>();
    DeviceConnection connection;

    static DeviceRun start(H2Connection h2, DeviceHandshake handshake) {
        DeviceRun run = new DeviceRun();
        run.connection = DeviceConnection.start(h2, handshake, run);
        run.connection.established().thenAccept(session -> TOKENS.add(session.session()));
        return run;
    }

    EstablishedSession awaitEstablished() throws Exception {
        return connection.established().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The server's refusal (its Error frame's fields), failing if the session was established instead. */
    DeviceHandshakeException awaitRefusal() throws Exception {
        try {
            EstablishedSession s = connection.established().get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a refusal, got " + s);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DeviceHandshakeException refusal) {
                return refusal;
            }
            throw new AssertionError("expected a DeviceHandshakeException", e.getCause());
        }
    }

    /** The last bootstrap frame (the Error of a refusal). */
    Frame lastBootstrapFrame() {
        return bootstrapFrames.get(bootstrapFrames.size() - 1);
    }

    Frame nextFrame() throws InterruptedException {
        Frame frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no encrypted frame within " + WAIT_SECONDS + " s");
        }
        return frame;
    }

    StreamClosure awaitClosed() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void onBootstrapFrame(Frame frame) {
        callbackThreads.add(Thread.currentThread().getName());
        bootstrapFrames.add(frame);
    }

    @Override
    public void onFrame(Frame frame) {
        callbackThreads.add(Thread.currentThread().getName());
        frames.add(frame);
    }

    @Override
    public void onClosed(StreamClosure closure, Throwable failure) {
        closed.complete(closure);
    }
}
