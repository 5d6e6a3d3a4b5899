package io.commucat.ccp.server.admission;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The most TCP connections one client address may hold open at once (issue 15: 2 000 connections
 * from one address were all held). {@link #tryOpen} at accept, {@link #closed} when the connection
 * closes. An address has an entry only while it has a connection open, so the table never holds
 * more entries than there are open connections (each of which costs the server far more than
 * its entry). Thread-safe.
 */
public final class ConnectionCap {

    private final int maxPerAddress;
    private final ConcurrentHashMap<ClientAddress, Integer> open = new ConcurrentHashMap<>();
    private final RateLimiter.Refusals refusals;

    public ConnectionCap(int maxPerAddress, RateLimiter.Refusals refusals) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("maxPerAddress must be positive");
        }
        this.maxPerAddress = maxPerAddress;
        this.refusals = refusals;
    }

    /** No cap (tests and tools that open many connections from one address). */
    public static ConnectionCap unlimited() {
        return new ConnectionCap(Integer.MAX_VALUE, limit -> { });
    }

    /** Counts a new connection of {@code address}; false (and nothing counted) when it already holds the maximum. */
    public boolean tryOpen(ClientAddress address) {
        boolean[] admitted = {false};
        open.compute(address, (a, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxPerAddress) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            refusals.refused("connections");
        }
        return admitted[0];
    }

    /** A connection {@link #tryOpen} admitted has closed. */
    public void closed(ClientAddress address) {
        open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    /** Connections {@code address} holds open now. */
    public int openConnections(ClientAddress address) {
        return open.getOrDefault(address, 0);
    }

    /** Addresses with a connection open now. */
    public int trackedAddresses() {
        return open.size();
    }

    public int maxPerAddress() {
        return maxPerAddress;
    }
}
