package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.storage.Channels.JoinOutcome;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Channels} must do (ccp-1.md §4.4 with its authorisation Deviation).
 * Implementations provide channels and the directory of the same store, empty for each test.
 */
public interface ChannelsContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

    Channels channels();

    Directory directory();

    static long channelId() {
        return ThreadLocalRandom.current().nextLong(1L << 32);
    }

    /** A registered device of {@code userId} (the user is created when missing). */
    default String device(String userId) throws StorageException {
        if (directory().findUser(userId).isEmpty()) {
            directory().createUser(new User(userId, "handle-" + userId, null, null, T0));
        }
        String id = "device-" + UUID.randomUUID();
        Device device = new Device(id, userId, "a".repeat(64), DeviceStatus.ACTIVE, T0, null, null);
        directory().registerDevice(device, new DeviceKeyEvent("event-" + id, id, "register", device.publicKey(), T0), 0);
        return id;
    }

    static String user() {
        return "user-" + UUID.randomUUID();
    }

    @Test
    default void firstJoinCreatesTheChannelWithTheSenderJoined() throws Exception {
        String user = user();
        String alice = device(user);
        long id = channelId();

        assertEquals(JoinOutcome.CREATED, channels().join(id, alice, user, Set.of(), true, null, T0));

        Channel channel = channels().find(id).orElseThrow();
        assertEquals(new Channel(id, alice, user, true, null, T0, List.of(new ChannelMember(alice, true, user))),
                channel);
    }

    @Test
    default void listedDevicesAreAddedNotJoined() throws Exception {
        String aliceUser = user();
        String bobUser = user();
        String alice = device(aliceUser);
        String bob = device(bobUser);
        long id = channelId();

        channels().join(id, alice, aliceUser, Set.of(bob, alice), false, null, T0);

        assertEquals(Stream.of(new ChannelMember(alice, true, aliceUser), new ChannelMember(bob, false, bobUser))
                .sorted(Comparator.comparing(ChannelMember::deviceId)).toList(), channels().find(id).orElseThrow().members());
    }

    @Test
    default void unknownChannelIsNotFound() throws Exception {
        assertEquals(Optional.empty(), channels().find(channelId()));
    }

    @Test
    default void listedDeviceJoinsAnExistingChannel() throws Exception {
        String aliceUser = user();
        String bobUser = user();
        String alice = device(aliceUser);
        String bob = device(bobUser);
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(bob), false, null, T0);

        assertEquals(JoinOutcome.JOINED, channels().join(id, bob, bobUser, Set.of(), false, null, T0));

        assertTrue(channels().find(id).orElseThrow().members().contains(new ChannelMember(bob, true, bobUser)));
    }

    @Test
    default void unlistedDeviceCannotJoinOrChangeAChannel() throws Exception {
        String aliceUser = user();
        String malloryUser = user();
        String alice = device(aliceUser);
        String mallory = device(malloryUser);
        String victim = device(user());
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(), true, null, T0);
        Channel before = channels().find(id).orElseThrow();

        assertEquals(JoinOutcome.NOT_MEMBER, channels().join(id, mallory, malloryUser, Set.of(victim), false, null, T0));

        assertEquals(before, channels().find(id).orElseThrow());
    }

    @Test
    default void invitedDeviceOfAnotherUserReceivesNothingUntilItJoins() throws Exception {
        String aliceUser = user();
        String bobUser = user();
        String alice = device(aliceUser);
        String bob = device(bobUser);
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(bob), false, null, T0);

        assertEquals(Optional.of(List.of()), channels().recipients(id, alice));
        channels().join(id, bob, bobUser, Set.of(), false, null, T0);
        assertEquals(Optional.of(List.of(bob)), channels().recipients(id, alice));
    }

    @Test
    default void listedDeviceOfTheCreatorsUserReceivesWithoutJoining() throws Exception {
        String user = user();
        String phone = device(user);
        String laptop = device(user);
        long id = channelId();

        channels().join(id, phone, user, Set.of(laptop), false, null, T0);

        assertEquals(Optional.of(List.of(laptop)), channels().recipients(id, phone));
        assertEquals(Optional.of(List.of(phone)), channels().recipients(id, laptop));
    }

    @Test
    default void nonMemberHasNoRecipients() throws Exception {
        String aliceUser = user();
        String alice = device(aliceUser);
        String bob = device(user());
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(bob), false, null, T0);

        assertEquals(Optional.empty(), channels().recipients(id, device(user())), "not listed");
        assertEquals(Optional.empty(), channels().recipients(id, bob), "listed by another user, not joined");
        assertEquals(Optional.empty(), channels().recipients(channelId(), alice), "no such channel");
    }

    @Test
    default void leaveRemovesOnlyTheSender() throws Exception {
        String aliceUser = user();
        String bobUser = user();
        String alice = device(aliceUser);
        String bob = device(bobUser);
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(bob), false, null, T0);
        channels().join(id, bob, bobUser, Set.of(), false, null, T0);

        assertTrue(channels().leave(id, bob));

        assertEquals(List.of(new ChannelMember(alice, true, aliceUser)), channels().find(id).orElseThrow().members());
        assertEquals(Optional.empty(), channels().recipients(id, bob));
    }

    @Test
    default void leaveOfANonMemberChangesNothing() throws Exception {
        String aliceUser = user();
        String alice = device(aliceUser);
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(), false, null, T0);

        assertFalse(channels().leave(id, device(user())));
        assertFalse(channels().leave(channelId(), alice));
        assertTrue(channels().find(id).isPresent());
    }

    @Test
    default void channelWithoutJoinedMembersIsDeleted() throws Exception {
        String aliceUser = user();
        String alice = device(aliceUser);
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(device(user())), false, null, T0);

        assertTrue(channels().leave(id, alice));

        assertEquals(Optional.empty(), channels().find(id));
    }

    @Test
    default void rejoinAfterDeletionCreatesAFreshChannel() throws Exception {
        String aliceUser = user();
        String bobUser = user();
        String alice = device(aliceUser);
        String bob = device(bobUser);
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(), false, null, T0);
        channels().leave(id, alice);

        assertEquals(JoinOutcome.CREATED, channels().join(id, bob, bobUser, Set.of(), false, null, T0));
        assertEquals(bob, channels().find(id).orElseThrow().creatorDevice());
    }

    @Test
    default void peersAreActiveMembersOfTheDevicesActiveChannels() throws Exception {
        String aliceUser = user();
        String bobUser = user();
        String carolUser = user();
        String alice = device(aliceUser);
        String bob = device(bobUser);
        String carol = device(carolUser);
        String dave = device(user());
        long first = channelId();
        long second = channelId();
        channels().join(first, alice, aliceUser, Set.of(bob, dave), false, null, T0);
        channels().join(first, bob, bobUser, Set.of(), false, null, T0);
        channels().join(second, carol, carolUser, Set.of(alice), false, null, T0);

        assertEquals(Set.of(bob), channels().peers(alice), "dave never joined; alice never joined carol's channel");
        assertEquals(Set.of(alice), channels().peers(bob));
        assertEquals(Set.of(), channels().peers(dave));
    }

    @Test
    default void relayFlagIsStoredAndFollowsTheLatestJoin() throws Exception {
        String aliceUser = user();
        String alice = device(aliceUser);
        long id = channelId();
        channels().join(id, alice, aliceUser, Set.of(), false, "group-1", T0);
        assertFalse(channels().find(id).orElseThrow().relay());

        channels().join(id, alice, aliceUser, Set.of(), true, null, T0);

        Channel channel = channels().find(id).orElseThrow();
        assertTrue(channel.relay());
        assertEquals("group-1", channel.groupId());
    }

    @Test
    default void channelIdsCoverTheUnsigned32BitRange() throws Exception {
        String aliceUser = user();
        String alice = device(aliceUser);
        for (long id : new long[] {0L, 1L, 0x7fff_ffffL, 0xffff_ffffL}) {
            channels().join(id, alice, aliceUser, Set.of(), false, null, T0);
            assertEquals(id, channels().find(id).orElseThrow().id());
        }
    }

    @Test
    default void concurrentFirstJoinsCreateOneChannelWithBothJoined() throws Exception {
        String aliceUser = user();
        String bobUser = user();
        String alice = device(aliceUser);
        String bob = device(bobUser);
        long id = channelId();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<JoinOutcome> a = () -> channels().join(id, alice, aliceUser, Set.of(bob), false, null, T0);
            Callable<JoinOutcome> b = () -> channels().join(id, bob, bobUser, Set.of(alice), false, null, T0);
            List<Future<JoinOutcome>> outcomes = pool.invokeAll(List.of(a, b));
            Set<JoinOutcome> seen = Set.of(outcomes.get(0).get(), outcomes.get(1).get());

            assertEquals(Set.of(JoinOutcome.CREATED, JoinOutcome.JOINED), seen);
            assertEquals(2, channels().find(id).orElseThrow().members().stream().filter(ChannelMember::joined).count());
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- bounds ----

    @Test
    default void unknownDevicesAreTheIdsThatAreNotRegistered() throws Exception {
        String alice = device(user());

        assertEquals(Set.of("nobody-1", "nobody-2"), channels().unknownDevices(Set.of(alice, "nobody-1", "nobody-2")));
        assertEquals(Set.of(), channels().unknownDevices(Set.of(alice)));
    }

    @Test
    default void aJoinThatWouldPassTheMemberLimitChangesNothing() throws Exception {
        String user = user();
        String alice = device(user);
        String bob = device(user);
        String carol = device(user);
        long id = channelId();
        ChannelLimits limits = new ChannelLimits(2, 100);
        assertEquals(JoinOutcome.CREATED, channels().join(id, alice, user, Set.of(bob), false, null, T0, limits));

        assertEquals(JoinOutcome.CHANNEL_FULL, channels().join(id, alice, user, Set.of(carol), true, null, T0, limits));

        Channel channel = channels().find(id).orElseThrow();
        assertEquals(2, channel.members().size());
        assertFalse(channel.relay(), "a refused Join changes nothing");
        assertEquals(JoinOutcome.CHANNEL_FULL, channels().join(channelId(), alice, user, Set.of(bob, carol), false,
                null, T0, limits), "nor is a channel created with too many members");
    }

    @Test
    default void aJoinThatWouldPassADevicesChannelLimitChangesNothing() throws Exception {
        String user = user();
        String alice = device(user);
        String bob = device(user);
        ChannelLimits limits = new ChannelLimits(10, 2);
        channels().join(channelId(), bob, user, Set.of(), false, null, T0, limits);
        channels().join(channelId(), alice, user, Set.of(bob), false, null, T0, limits);
        long third = channelId();

        assertEquals(JoinOutcome.TOO_MANY_CHANNELS, channels().join(third, alice, user, Set.of(bob), false, null, T0,
                limits), "bob is in two channels already");

        assertTrue(channels().find(third).isEmpty());
        assertEquals(JoinOutcome.TOO_MANY_CHANNELS, channels().join(channelId(), bob, user, Set.of(), false, null, T0,
                limits), "bob cannot create a third either");
        assertEquals(JoinOutcome.CREATED, channels().join(channelId(), alice, user, Set.of(), false, null, T0, limits),
                "alice, in one channel, may create another");
    }
}
