package io.commucat.ccp.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.server.storage.Channel;
import io.commucat.ccp.server.storage.ChannelLimits;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.commucat.ccp.server.storage.jdbc.JdbcStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-local membership cache against the embedded store: what it serves, when it reads the
 * store again, and that a change (here, announced, or expired) is never hidden for longer than
 * its TTL.
 */
class MembershipCacheTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final long CHANNEL = 9;
    static final Duration TTL = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private JdbcStore store;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> announced = new CopyOnWriteArrayList<>();
    private final AtomicLong finds = new AtomicLong();
    /** The store's channels, counting reads (and a hook run inside a read, for the race test). */
    private Runnable duringFind = () -> { };
    private MembershipCache cache;

    @BeforeEach
    void open() throws Exception {
        store = JdbcStore.open(JdbcSettings.h2File(dir.resolve("db")));
        store.channels().join(CHANNEL, "alice", "user-a", Set.of("bob"), false, null, T0);
        store.channels().join(CHANNEL, "bob", "user-b", Set.of(), false, null, T0);
        cache = new MembershipCache(new CountingChannels(store.channels()), TTL, 100, announced::add, now::get);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Another node's change: written to the shared store, this node's cache not told. */
    private void carolJoinsElsewhere() throws StorageException {
        store.channels().join(CHANNEL, "alice", "user-a", Set.of("carol"), false, null, T0);
        store.channels().join(CHANNEL, "carol", "user-c", Set.of(), false, null, T0);
    }

    @Test
    void repeatedLookupsReadTheStoreOnceWithinTheTtl() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(Optional.of(List.of("bob")), cache.recipients(CHANNEL, "alice"));
            assertEquals(Optional.of(List.of("alice")), cache.recipients(CHANNEL, "bob"));
        }

        assertEquals(1, finds.get());
    }

    @Test
    void aDeviceThatIsNotAnActiveMemberReachesNobody() throws Exception {
        store.channels().join(CHANNEL, "alice", "user-a", Set.of("dave"), false, null, T0); // listed, not joined

        assertEquals(Optional.empty(), cache.recipients(CHANNEL, "dave"));
        assertEquals(Optional.empty(), cache.recipients(CHANNEL, "mallory"));
        assertEquals(Optional.empty(), cache.recipients(CHANNEL + 1, "alice"));
    }

    @Test
    void aChangeMadeHereIsSeenByTheNextLookupAndAnnounced() throws Exception {
        cache.recipients(CHANNEL, "alice");
        carolJoinsElsewhere();

        cache.changedHere(CHANNEL);

        assertEquals(Optional.of(List.of("bob", "carol")), cache.recipients(CHANNEL, "alice"));
        assertEquals(List.of(CHANNEL), announced);
    }

    @Test
    void aChangeAnnouncedByAnotherNodeIsSeenByTheNextLookup() throws Exception {
        cache.recipients(CHANNEL, "alice");
        carolJoinsElsewhere();

        cache.changedElsewhere(CHANNEL);

        assertEquals(Optional.of(List.of("bob", "carol")), cache.recipients(CHANNEL, "alice"));
        assertEquals(List.of(), announced, "a change heard of is not announced again");
    }

    @Test
    void aChangeWhoseAnnouncementWasLostIsSeenOnceTheEntryExpires() throws Exception {
        cache.recipients(CHANNEL, "alice");
        carolJoinsElsewhere();
        assertEquals(Optional.of(List.of("bob")), cache.recipients(CHANNEL, "alice"), "stale within the TTL");

        now.addAndGet(TTL.toNanos());

        assertEquals(Optional.of(List.of("bob", "carol")), cache.recipients(CHANNEL, "alice"));
    }

    @Test
    void aReadThatRacedAChangeIsNotKept() throws Exception {
        duringFind = () -> {
            duringFind = () -> { };
            cache.changedElsewhere(CHANNEL); // announced while the read was in the store
        };
        cache.recipients(CHANNEL, "alice");
        carolJoinsElsewhere();

        assertEquals(Optional.of(List.of("bob", "carol")), cache.recipients(CHANNEL, "alice"));
        assertEquals(2, finds.get());
    }

    @Test
    void aLeaveMadeHereIsSeenByTheNextLookup() throws Exception {
        cache.recipients(CHANNEL, "alice");
        store.channels().leave(CHANNEL, "bob");

        cache.changedHere(CHANNEL);

        assertEquals(Optional.of(List.of()), cache.recipients(CHANNEL, "alice"));
        assertEquals(Optional.empty(), cache.recipients(CHANNEL, "bob"));
    }

    @Test
    void theCacheHoldsAtMostItsBound() throws Exception {
        for (long channel = 100; channel < 350; channel++) {
            store.channels().join(channel, "alice", "user-a", Set.of(), false, null, T0);
            cache.recipients(channel, "alice");
        }

        assertEquals(true, cache.size() <= 100, "held " + cache.size());
    }

    @Test
    void aDisabledCacheReadsTheStoreEveryTime() throws Exception {
        MembershipCache disabled = MembershipCache.disabled(new CountingChannels(store.channels()));
        for (int i = 0; i < 3; i++) {
            disabled.recipients(CHANNEL, "alice");
        }
        disabled.changedHere(CHANNEL);

        assertEquals(3, finds.get());
    }

    /** The store's channels, counting reads. */
    private final class CountingChannels implements Channels {
        private final Channels store;

        CountingChannels(Channels store) {
            this.store = store;
        }

        @Override
        public JoinOutcome join(long channelId, String deviceId, String userId, Set<String> listed, boolean relay,
                String groupId, Instant at, ChannelLimits limits) throws StorageException {
            return store.join(channelId, deviceId, userId, listed, relay, groupId, at, limits);
        }

        @Override
        public Set<String> unknownDevices(Set<String> deviceIds) throws StorageException {
            return store.unknownDevices(deviceIds);
        }

        @Override
        public boolean leave(long channelId, String deviceId) throws StorageException {
            return store.leave(channelId, deviceId);
        }

        @Override
        public Optional<Channel> find(long channelId) throws StorageException {
            finds.incrementAndGet();
            Optional<Channel> found = store.find(channelId);
            duringFind.run();
            return found;
        }

        @Override
        public Optional<List<String>> recipients(long channelId, String senderDeviceId) throws StorageException {
            finds.incrementAndGet();
            return store.recipients(channelId, senderDeviceId);
        }

        @Override
        public Set<String> peers(String deviceId) throws StorageException {
            return store.peers(deviceId);
        }
    }
}
