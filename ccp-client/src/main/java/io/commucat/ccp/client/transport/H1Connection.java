package io.commucat.ccp.client.transport;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * A device's HTTP/1.1 connection to a CCP server: what {@link ClientTransport#connect()} returns
 * when ALPN chose {@code http/1.1}, or chose nothing (a proxy that strips ALPN; ccp-1.md §1). A
 * {@code /connect} is a chunked {@code POST} whose request body carries the upstream while the
 * chunked response carries the downstream.
 *
 * <p>HTTP/1.1 carries one exchange at a time on a socket, and a {@code /connect} holds its socket
 * for the whole session. So this connection is a small set of TLS sockets to the same server,
 * all on one event loop: each stream or call takes a free socket, or opens another one (TLS 1.3,
 * ALPN offering {@code http/1.1} only) when none is free. REST calls therefore go on while a
 * session is open, on a second socket. After a REST call whose response ended with keep-alive
 * the socket stays for the next call (at most {@value #MAX_FREE_SOCKETS} are kept); a {@code
 * /connect} socket is closed when its stream ends. There is no cap on sockets: there are as many
 * as exchanges under way (a device holds one session and makes a few calls). Opening on demand
 * was chosen over queueing behind the busy socket because a queue behind a {@code /connect}
 * would wait for the whole session.
 *
 * <p>The connection lives while it has a socket (open, or being opened). When the last one
 * closes (the server closed it, it failed, or {@link #close()} closed it), {@link #isActive()}
 * turns false and {@link #closeFuture()} completes, as for an HTTP/2 connection that ended:
 * open a new connection through the transport. A socket that cannot be opened fails only the
 * stream or call that wanted it.
 *
 * <p>Threading: thread-safe; every method returns at once. The sockets share the connection's
 * {@link #eventLoop()}: listeners run there, one callback at a time, and futures complete there.
 */
public final class H1Connection implements ClientConnection {

    /** Sockets kept open for the next call once their REST call is done. */
    static final int MAX_FREE_SOCKETS = 2;

    /** Opens another socket to the same server on {@code loop}, TLS done and HTTP/1.1 codec installed. */
    interface Dialer {
        CompletableFuture<H1Socket> dial(EventLoop loop);
    }

    private final EventLoop loop;
    private final Dialer dialer;
    private final String authority;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean active = true;

    // Event loop only:
    private final Set<H1Socket> sockets = new HashSet<>();
    /** Free sockets, the most recently used first. */
    private final ArrayDeque<H1Socket> free = new ArrayDeque<>();
    private int dialing;

    /** With its first socket (free); on that socket's event loop. */
    H1Connection(H1Socket first, Dialer dialer, String authority) {
        this.loop = first.channel().eventLoop();
        this.dialer = dialer;
        this.authority = authority;
        adopt(first);
        free.add(first);
    }

    @Override
    public Protocol protocol() {
        return Protocol.HTTP_1_1;
    }

    /** Takes a socket of its own for the stream's life; it is closed when the stream ends. */
    @Override
    public CompletableFuture<ConnectStream> openConnect(StreamListener listener) {
        Objects.requireNonNull(listener, "listener");
        CompletableFuture<ConnectStream> opened = new CompletableFuture<>();
        HttpRequest head = H1Exchange.connectHead(authority);
        withSocket(opened, socket -> H1Exchange.openStream(socket, head, listener, this::release, opened));
        return opened;
    }

    /** Sent whole, with {@code content-length}; fails at once for a method or header HTTP/1.1 cannot carry. */
    @Override
    public CompletableFuture<H2Response> request(String method, String path, Map<String, String> headers, byte[] body) {
        FullHttpRequest request;
        try {
            request = H1Exchange.fullRequest(authority, method, path, headers, body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        ResponseCollector collector = new ResponseCollector(MAX_RESPONSE_BODY);
        withSocket(collector.result, socket -> H1Exchange.send(socket, request, collector, this::release));
        return collector.result;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /** HTTP/1.1 has no PING: completes at once (TCP keepalive watches the sockets). */
    @Override
    public CompletableFuture<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /** Closes every socket at once; their streams end. */
    @Override
    public void close() {
        active = false;
        if (!onLoop(() -> {
            if (sockets.isEmpty() && dialing == 0) {
                closed.complete(null);
            } else {
                List.copyOf(sockets).forEach(socket -> socket.channel().close());
            }
        })) {
            closed.complete(null); // the loop is gone, and its sockets with it
        }
    }

    // ---- event loop ----

    /**
     * Hands {@code use} a free socket, or one opened for it; or fails {@code result}. Always a
     * new loop task, also from the loop: a call made from inside a finishing exchange's callbacks
     * (a response's future completing) then finds that exchange's socket free again.
     */
    private void withSocket(CompletableFuture<?> result, Consumer<H1Socket> use) {
        boolean queued = execute(() -> {
            if (!active) {
                result.completeExceptionally(new TransportClosedException("the connection is closed", null));
                return;
            }
            for (H1Socket socket = free.poll(); socket != null; socket = free.poll()) {
                if (socket.channel().isActive()) {
                    use.accept(socket);
                    return;
                }
            }
            dialing++;
            dialer.dial(loop).whenComplete((socket, error) -> onLoop(() -> dialed(socket, error, result, use)));
        });
        if (!queued) {
            result.completeExceptionally(new TransportClosedException("the connection's event loop has shut down", null));
        }
    }

    private void dialed(H1Socket socket, Throwable error, CompletableFuture<?> result, Consumer<H1Socket> use) {
        dialing--;
        if (error != null) {
            result.completeExceptionally(error);
        } else if (!active) {
            socket.channel().close();
            result.completeExceptionally(new TransportClosedException("the connection is closed", null));
        } else {
            adopt(socket);
            use.accept(socket);
            return;
        }
        endIfUnused();
    }

    private void adopt(H1Socket socket) {
        sockets.add(socket);
        socket.channel().closeFuture().addListener(f -> onLoop(() -> {
            sockets.remove(socket);
            free.remove(socket);
            endIfUnused();
        }));
    }

    /** Takes a socket back from its finished exchange. */
    private void release(H1Socket socket, boolean reusable) {
        if (reusable && active && free.size() < MAX_FREE_SOCKETS) {
            free.addFirst(socket);
        } else {
            socket.channel().close();
        }
    }

    private void endIfUnused() {
        if (sockets.isEmpty() && dialing == 0) {
            active = false;
            closed.complete(null);
        }
    }

    /** Runs {@code task} on the loop (at once when already there); false when the loop has shut down. */
    private boolean onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        return execute(task);
    }

    /** Queues {@code task} on the loop; false when the loop has shut down. */
    private boolean execute(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "H1Connection[" + authority + (active ? "" : ", closed") + "]";
    }
}
