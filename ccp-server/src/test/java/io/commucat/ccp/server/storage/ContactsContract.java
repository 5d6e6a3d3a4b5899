package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Contacts} must do. Implementations' tests provide contacts and a directory
 * over one empty store for each test (friends lists belong to existing users). Instants have
 * microsecond precision.
 */
public interface ContactsContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

    Contacts contacts();

    Directory directory();

    default String newUser() throws StorageException {
        String id = "user-" + UUID.randomUUID();
        directory().createUser(new User(id, "handle-" + id, null, null, T0));
        return id;
    }

    static String requestId() {
        return "fr-" + UUID.randomUUID();
    }

    default FriendRequest request(String from, String to, Instant at) throws StorageException {
        return contacts().createRequest(requestId(), from, to, "hello", at);
    }

    static List<FriendEntry> entries(String... ids) {
        List<FriendEntry> entries = new ArrayList<>();
        for (String id : ids) {
            entries.add(new FriendEntry(id, null));
        }
        return entries;
    }

    // ---- friends lists ----

    @Test
    default void aUserWithoutAListHasNoFriends() throws Exception {
        assertEquals(List.of(), contacts().friends(newUser()));
    }

    @Test
    default void aReplacedListKeepsItsOrderAndAliases() throws Exception {
        String owner = newUser();
        List<FriendEntry> list = List.of(new FriendEntry("zed", "Z"), new FriendEntry("amy", null),
                new FriendEntry("mo", "Mo"));

        contacts().replaceFriends(owner, list);

        assertEquals(list, contacts().friends(owner));
    }

    @Test
    default void replacingDropsEveryEarlierEntry() throws Exception {
        String owner = newUser();
        contacts().replaceFriends(owner, entries("a", "b", "c"));

        contacts().replaceFriends(owner, entries("c", "d"));

        assertEquals(entries("c", "d"), contacts().friends(owner));
    }

    @Test
    default void anEmptyListClearsTheFriends() throws Exception {
        String owner = newUser();
        contacts().replaceFriends(owner, entries("a"));

        contacts().replaceFriends(owner, List.of());

        assertEquals(List.of(), contacts().friends(owner));
    }

    @Test
    default void aListOfTheMaximumSizeIsKept() throws Exception {
        String owner = newUser();
        List<FriendEntry> list = new ArrayList<>();
        for (int i = 0; i < Contacts.MAX_FRIENDS; i++) {
            list.add(new FriendEntry("friend-" + i, null));
        }

        contacts().replaceFriends(owner, list);

        assertEquals(list, contacts().friends(owner));
    }

    @Test
    default void aListOverTheMaximumIsRefused() throws Exception {
        String owner = newUser();
        List<FriendEntry> list = new ArrayList<>();
        for (int i = 0; i <= Contacts.MAX_FRIENDS; i++) {
            list.add(new FriendEntry("friend-" + i, null));
        }

        assertThrows(IllegalArgumentException.class, () -> contacts().replaceFriends(owner, list));
        assertEquals(List.of(), contacts().friends(owner));
    }

    @Test
    default void aListNamingAFriendTwiceIsRefused() throws Exception {
        String owner = newUser();

        assertThrows(IllegalArgumentException.class,
                () -> contacts().replaceFriends(owner, List.of(new FriendEntry("a", null), new FriendEntry("a", "A"))));
    }

    @Test
    default void anUnknownOwnersListIsAConflict() throws Exception {
        StorageException e = assertThrows(StorageException.class,
                () -> contacts().replaceFriends("no-such-user", entries("a")));

        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void removingAListedFriendKeepsTheOthersInOrder() throws Exception {
        String owner = newUser();
        contacts().replaceFriends(owner, entries("a", "b", "c"));

        assertTrue(contacts().removeFriend(owner, "b"));

        assertEquals(entries("a", "c"), contacts().friends(owner));
    }

    @Test
    default void removingAnUnlistedFriendChangesNothing() throws Exception {
        String owner = newUser();
        contacts().replaceFriends(owner, entries("a"));

        assertFalse(contacts().removeFriend(owner, "b"));

        assertEquals(entries("a"), contacts().friends(owner));
    }

    // ---- requests ----

    @Test
    default void aCreatedRequestIsPendingAndFound() throws Exception {
        String a = newUser();
        String c = newUser();

        FriendRequest created = contacts().createRequest("fr-1", a, c, "hi", T0);

        FriendRequest expected = new FriendRequest("fr-1", a, c, FriendRequestStatus.PENDING, "hi", T0, T0);
        assertEquals(expected, created);
        assertEquals(Optional.of(expected), contacts().findRequest(a, c));
        assertEquals(Optional.empty(), contacts().findRequest(c, a));
    }

    @Test
    default void aRequestWithoutMessageKeepsNone() throws Exception {
        String a = newUser();
        String c = newUser();

        contacts().createRequest("fr-2", a, c, null, T0);

        assertEquals(null, contacts().findRequest(a, c).orElseThrow().message());
    }

    @Test
    default void aSecondPendingRequestOfThePairIsAConflict() throws Exception {
        String a = newUser();
        String c = newUser();
        FriendRequest first = request(a, c, T0);

        StorageException e = assertThrows(StorageException.class, () -> request(a, c, T0.plusSeconds(1)));

        assertEquals(StorageException.Kind.CONFLICT, e.kind());
        assertEquals(Optional.of(first), contacts().findRequest(a, c));
    }

    @Test
    default void theOtherDirectionIsAnotherRequest() throws Exception {
        String a = newUser();
        String c = newUser();
        request(a, c, T0);

        FriendRequest back = request(c, a, T0);

        assertEquals(Optional.of(back), contacts().findRequest(c, a));
    }

    @Test
    default void racingRequestsOfOnePairCreateExactlyOne() throws Exception {
        String a = newUser();
        String c = newUser();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<StorageException.Kind>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<StorageException.Kind> attempt = () -> {
                    start.await();
                    try {
                        request(a, c, T0);
                        return null;
                    } catch (StorageException e) {
                        return e.kind();
                    }
                };
                outcomes.add(pool.submit(attempt));
            }
            start.countDown();
            int won = 0;
            for (Future<StorageException.Kind> outcome : outcomes) {
                StorageException.Kind kind = outcome.get();
                if (kind == null) {
                    won++;
                } else {
                    assertEquals(StorageException.Kind.CONFLICT, kind);
                }
            }
            assertEquals(1, won);
            assertEquals(1, contacts().outgoingRequests(a, 10).size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void racingRenewalsOfASettledRequestCreateExactlyOne() throws Exception {
        String a = newUser();
        String c = newUser();
        request(a, c, T0);
        contacts().rejectRequest(a, c, T0);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        request(a, c, T0.plusSeconds(5));
                        return true;
                    } catch (StorageException e) {
                        assertEquals(StorageException.Kind.CONFLICT, e.kind());
                        return false;
                    }
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> outcome : outcomes) {
                won += outcome.get() ? 1 : 0;
            }
            assertEquals(1, won);
            assertEquals(FriendRequestStatus.PENDING, contacts().findRequest(a, c).orElseThrow().status());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void aRequestAfterARejectedOneReplacesItWithANewPendingOne() throws Exception {
        String a = newUser();
        String c = newUser();
        FriendRequest first = request(a, c, T0);
        contacts().rejectRequest(a, c, T0.plusSeconds(1));

        FriendRequest again = contacts().createRequest("fr-again", a, c, "again", T0.plusSeconds(2));

        assertNotEquals(first.id(), again.id());
        assertEquals(new FriendRequest("fr-again", a, c, FriendRequestStatus.PENDING, "again", T0.plusSeconds(2),
                T0.plusSeconds(2)), contacts().findRequest(a, c).orElseThrow());
        assertEquals(1, contacts().outgoingRequests(a, 10).size());
    }

    @Test
    default void aTakenRequestIdIsAConflict() throws Exception {
        String a = newUser();
        String c = newUser();
        String d = newUser();
        contacts().createRequest("fr-same", a, c, null, T0);

        StorageException e = assertThrows(StorageException.class,
                () -> contacts().createRequest("fr-same", a, d, null, T0));

        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void incomingListsPendingRequestsNewestFirst() throws Exception {
        String c = newUser();
        String a = newUser();
        String b = newUser();
        String d = newUser();
        FriendRequest older = request(a, c, T0);
        FriendRequest newer = request(b, c, T0.plusSeconds(1));
        request(d, c, T0.plusSeconds(2));
        contacts().rejectRequest(d, c, T0.plusSeconds(3));

        assertEquals(List.of(newer, older), contacts().incomingRequests(c, 10));
        assertEquals(List.of(newer), contacts().incomingRequests(c, 1));
    }

    @Test
    default void outgoingListsRequestsInEveryStatusNewestFirst() throws Exception {
        String a = newUser();
        String c = newUser();
        String d = newUser();
        request(a, c, T0);
        request(a, d, T0.plusSeconds(1));
        FriendRequest rejected = contacts().rejectRequest(a, d, T0.plusSeconds(2)).orElseThrow();
        FriendRequest pending = contacts().findRequest(a, c).orElseThrow();

        assertEquals(List.of(rejected, pending), contacts().outgoingRequests(a, 10));
        assertEquals(List.of(), contacts().outgoingRequests(c, 10));
    }

    @Test
    default void acceptingMarksTheRequestAndListsEachInTheOthersList() throws Exception {
        String a = newUser();
        String c = newUser();
        contacts().replaceFriends(a, entries("x"));
        FriendRequest pending = request(a, c, T0);

        FriendRequest accepted = contacts().acceptRequest(a, c, T0.plusSeconds(1)).orElseThrow();

        assertEquals(new FriendRequest(pending.id(), a, c, FriendRequestStatus.ACCEPTED, "hello", T0,
                T0.plusSeconds(1)), accepted);
        assertEquals(Optional.of(accepted), contacts().findRequest(a, c));
        assertEquals(entries("x", c), contacts().friends(a));
        assertEquals(entries(a), contacts().friends(c));
    }

    @Test
    default void acceptingKeepsAnExistingEntryAndItsAlias() throws Exception {
        String a = newUser();
        String c = newUser();
        contacts().replaceFriends(c, List.of(new FriendEntry(a, "Alice")));
        request(a, c, T0);

        contacts().acceptRequest(a, c, T0);

        assertEquals(List.of(new FriendEntry(a, "Alice")), contacts().friends(c));
    }

    @Test
    default void acceptingAppendsAfterARemovedEntry() throws Exception {
        String a = newUser();
        String c = newUser();
        contacts().replaceFriends(c, entries("x", "y", "z"));
        contacts().removeFriend(c, "z");
        request(a, c, T0);

        contacts().acceptRequest(a, c, T0);

        assertEquals(entries("x", "y", a), contacts().friends(c));
    }

    @Test
    default void acceptingWithoutAPendingRequestChangesNothing() throws Exception {
        String a = newUser();
        String c = newUser();

        assertEquals(Optional.empty(), contacts().acceptRequest(a, c, T0));
        request(a, c, T0);
        contacts().acceptRequest(a, c, T0);
        assertEquals(Optional.empty(), contacts().acceptRequest(a, c, T0.plusSeconds(1)));
        assertEquals(Optional.empty(), contacts().rejectRequest(a, c, T0.plusSeconds(1)));
        assertEquals(FriendRequestStatus.ACCEPTED, contacts().findRequest(a, c).orElseThrow().status());
    }

    @Test
    default void acceptingWhenAListIsFullIsRefusedAndChangesNothing() throws Exception {
        String a = newUser();
        String c = newUser();
        List<FriendEntry> full = new ArrayList<>();
        for (int i = 0; i < Contacts.MAX_FRIENDS; i++) {
            full.add(new FriendEntry("friend-" + i, null));
        }
        contacts().replaceFriends(a, full);
        request(a, c, T0);

        StorageException e = assertThrows(StorageException.class, () -> contacts().acceptRequest(a, c, T0));

        assertEquals(StorageException.Kind.LIMIT_REACHED, e.kind());
        assertEquals(FriendRequestStatus.PENDING, contacts().findRequest(a, c).orElseThrow().status());
        assertEquals(List.of(), contacts().friends(c));
        assertEquals(full, contacts().friends(a));
    }

    @Test
    default void rejectingMarksTheRequestAndLeavesTheLists() throws Exception {
        String a = newUser();
        String c = newUser();
        request(a, c, T0);

        FriendRequest rejected = contacts().rejectRequest(a, c, T0.plusSeconds(1)).orElseThrow();

        assertEquals(FriendRequestStatus.REJECTED, rejected.status());
        assertEquals(T0.plusSeconds(1), rejected.updatedAt());
        assertEquals(List.of(), contacts().friends(a));
        assertEquals(List.of(), contacts().friends(c));
    }

    // ---- whose devices a viewer may see ----

    @Test
    default void aUserListingTheViewerBackSharesDevices() throws Exception {
        String viewer = newUser();
        String u = newUser();
        contacts().replaceFriends(viewer, entries(u));
        contacts().replaceFriends(u, entries(viewer));

        assertEquals(Set.of(u), contacts().sharingDevicesWith(viewer, List.of(u)));
    }

    @Test
    default void listingSomeoneAloneSharesNothing() throws Exception {
        String viewer = newUser();
        String u = newUser();
        contacts().replaceFriends(viewer, entries(u));

        assertEquals(Set.of(), contacts().sharingDevicesWith(viewer, List.of(u)));
        assertEquals(Set.of(), contacts().sharingDevicesWith(u, List.of(viewer)));
    }

    @Test
    default void anAcceptedRequestSharesDevicesBothWays() throws Exception {
        String a = newUser();
        String c = newUser();
        request(a, c, T0);
        contacts().acceptRequest(a, c, T0);
        assertEquals(Set.of(c), contacts().sharingDevicesWith(a, List.of(c)));
        assertEquals(Set.of(a), contacts().sharingDevicesWith(c, List.of(a)));
    }

    @Test
    default void pendingAndRejectedRequestsShareNothing() throws Exception {
        String a = newUser();
        String c = newUser();
        String d = newUser();
        request(a, c, T0);
        request(a, d, T0);
        contacts().rejectRequest(a, d, T0);

        assertEquals(Set.of(), contacts().sharingDevicesWith(a, List.of(c, d)));
        assertEquals(Set.of(), contacts().sharingDevicesWith(c, List.of(a)));
        assertEquals(Set.of(), contacts().sharingDevicesWith(d, List.of(a)));
    }

    @Test
    default void onlyTheCandidatesAreAnswered() throws Exception {
        String viewer = newUser();
        String u = newUser();
        String w = newUser();
        contacts().replaceFriends(viewer, entries(u, w));
        contacts().replaceFriends(u, entries(viewer));
        contacts().replaceFriends(w, entries(viewer));

        assertEquals(Set.of(w), contacts().sharingDevicesWith(viewer, List.of(w, "unknown")));
        assertEquals(Set.of(), contacts().sharingDevicesWith(viewer, List.of()));
    }

    @Test
    default void removingAFriendWithdrawsTheAcceptance() throws Exception {
        String a = newUser();
        String c = newUser();
        request(a, c, T0);
        contacts().acceptRequest(a, c, T0);

        assertTrue(contacts().removeFriend(c, a));

        assertEquals(Set.of(), contacts().sharingDevicesWith(a, List.of(c)));
        assertEquals(Set.of(), contacts().sharingDevicesWith(c, List.of(a)));
        assertEquals(Optional.empty(), contacts().findRequest(a, c));
    }

    @Test
    default void replacingAListWithoutAFriendWithdrawsTheAcceptance() throws Exception {
        String a = newUser();
        String c = newUser();
        request(c, a, T0);
        contacts().acceptRequest(c, a, T0);

        contacts().replaceFriends(a, entries("someone-else"));

        assertEquals(Set.of(), contacts().sharingDevicesWith(c, List.of(a)));
        assertEquals(Optional.empty(), contacts().findRequest(c, a));
    }

    @Test
    default void replacingAListThatKeepsAFriendKeepsTheAcceptance() throws Exception {
        String a = newUser();
        String c = newUser();
        request(a, c, T0);
        contacts().acceptRequest(a, c, T0);

        contacts().replaceFriends(a, List.of(new FriendEntry(c, "Cee")));

        assertEquals(FriendRequestStatus.ACCEPTED, contacts().findRequest(a, c).orElseThrow().status());
        assertEquals(Set.of(a), contacts().sharingDevicesWith(c, List.of(a)));
    }

    @Test
    default void removingAFriendLeavesAPendingRequest() throws Exception {
        String a = newUser();
        String c = newUser();
        contacts().replaceFriends(a, entries(c));
        request(a, c, T0);

        contacts().removeFriend(a, c);

        assertEquals(FriendRequestStatus.PENDING, contacts().findRequest(a, c).orElseThrow().status());
    }
}
