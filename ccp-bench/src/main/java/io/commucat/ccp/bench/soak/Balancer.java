package io.commucat.ccp.bench.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP load balancer in front of the nodes (architecture.md, "Scale-out"): one loopback
 * address for every device; each new connection goes to the next node in turn, skipping a node
 * that refuses. TLS passes through untouched, so a device's session lives on one node and lands
 * on another when that one dies. Counts the connections open to each node.
 */
final class Balancer implements AutoCloseable {

    private final ServerSocket listener;
    private final List<NodeProcess> nodes;
    private final AtomicInteger[] open;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    Balancer(List<NodeProcess> nodes) throws IOException {
        this.nodes = List.copyOf(nodes);
        this.open = new AtomicInteger[nodes.size()];
        for (int i = 0; i < open.length; i++) {
            open[i] = new AtomicInteger();
        }
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "balancer-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections open to each node now, in the nodes' order. */
    int[] openConnections() {
        int[] counts = new int[open.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = open[i].get();
        }
        return counts;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                continue; // closed: the loop ends
            }
            route(client);
        }
    }

    private void route(Socket client) {
        int first = Math.floorMod(next.getAndIncrement(), nodes.size());
        for (int k = 0; k < nodes.size(); k++) {
            int i = (first + k) % nodes.size();
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), nodes.get(i).port()), 1_000);
            } catch (IOException refused) {
                Pipe.closeQuietly(server);
                continue; // that node is down: the next one
            }
            AtomicInteger count = open[i];
            count.incrementAndGet();
            sockets.add(client);
            Pipe.splice(client, server, Pipe.Gate.OPEN, () -> {
                sockets.remove(client);
                count.decrementAndGet();
            }, "balancer-" + nodes.get(i).name());
            return;
        }
        Pipe.closeQuietly(client); // no node answers
    }

    /** Closes every device's connection: each device bootstraps again, through the balancer. */
    void cutAll() {
        sockets.forEach(Pipe::closeQuietly);
    }

    @Override
    public void close() {
        Pipe.closeQuietly(listener);
        cutAll();
    }
}
