package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Sessions} must do. Implementations' tests provide sessions over an empty
 * store for each test; instants have microsecond precision.
 */
public interface SessionsContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
    Duration TTL = Duration.ofSeconds(60);

    Sessions sessions();

    static SessionRecord session(String deviceId, Instant expiresAt) {
        return new SessionRecord(UUID.randomUUID().toString().replace("-", ""), deviceId, "user-1", T0, expiresAt,
                "node-a");
    }

    static SessionRecord session() {
        return session("device-" + UUID.randomUUID(), T0.plus(TTL));
    }

    @Test
    default void createdSessionIsFound() throws Exception {
        SessionRecord session = session();
        sessions().create(session);

        assertEquals(Optional.of(session), sessions().find(session.tokenHash(), T0));
    }

    @Test
    default void startedSessionIsFound() throws Exception {
        SessionRecord session = session();
        sessions().start(session);

        assertEquals(Optional.of(session), sessions().find(session.tokenHash(), T0));
    }

    @Test
    default void startingATakenTokenHashIsConflict() throws Exception {
        SessionRecord session = session();
        sessions().start(session);

        StorageException e = assertThrows(StorageException.class, () -> sessions().start(session));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void sessionWithoutNodeIsFound() throws Exception {
        SessionRecord session = new SessionRecord("hash-" + UUID.randomUUID(), "device-1", "user-1", T0,
                T0.plus(TTL), null);
        sessions().create(session);

        assertEquals(Optional.of(session), sessions().find(session.tokenHash(), T0));
    }

    @Test
    default void unknownSessionIsNotFound() throws Exception {
        assertEquals(Optional.empty(), sessions().find("no-such-hash", T0));
    }

    @Test
    default void sessionIsFoundJustBeforeItExpires() throws Exception {
        SessionRecord session = session();
        sessions().create(session);

        assertTrue(sessions().find(session.tokenHash(), session.expiresAt().minusNanos(1_000)).isPresent());
    }

    @Test
    default void sessionIsNotFoundFromItsExpiryOn() throws Exception {
        SessionRecord session = session();
        sessions().create(session);

        assertEquals(Optional.empty(), sessions().find(session.tokenHash(), session.expiresAt()));
        assertEquals(Optional.empty(), sessions().find(session.tokenHash(), session.expiresAt().plusSeconds(1)));
    }

    @Test
    default void takenTokenHashIsConflict() throws Exception {
        SessionRecord session = session();
        sessions().create(session);

        StorageException e = assertThrows(StorageException.class, () -> sessions().create(session));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void refreshMovesTheExpiry() throws Exception {
        SessionRecord session = session();
        sessions().create(session);
        Instant later = session.expiresAt().plus(TTL);

        assertTrue(sessions().refresh(session.tokenHash(), later));

        Instant afterOldExpiry = session.expiresAt().plusSeconds(1);
        assertEquals(later, sessions().find(session.tokenHash(), afterOldExpiry).orElseThrow().expiresAt());
    }

    @Test
    default void refreshOfUnknownSessionIsFalse() throws Exception {
        assertFalse(sessions().refresh("no-such-hash", T0.plus(TTL)));
    }

    @Test
    default void refreshAllMovesTheExpiryOfEverySession() throws Exception {
        SessionRecord first = session();
        SessionRecord second = session();
        sessions().create(first);
        sessions().create(second);
        Instant later = T0.plus(TTL).plus(TTL);

        assertEquals(Set.of(), sessions().refreshAll(List.of(first.tokenHash(), second.tokenHash()), later));

        Instant afterOldExpiry = T0.plus(TTL).plusSeconds(1);
        assertEquals(later, sessions().find(first.tokenHash(), afterOldExpiry).orElseThrow().expiresAt());
        assertEquals(later, sessions().find(second.tokenHash(), afterOldExpiry).orElseThrow().expiresAt());
    }

    @Test
    default void refreshAllReportsUnknownSessionsAndRefreshesTheOthers() throws Exception {
        SessionRecord known = session();
        sessions().create(known);
        Instant later = T0.plus(TTL).plus(TTL);

        assertEquals(Set.of("no-such-hash"), sessions().refreshAll(List.of("no-such-hash", known.tokenHash()), later));

        assertEquals(later, sessions().find(known.tokenHash(), T0).orElseThrow().expiresAt());
    }

    @Test
    default void refreshAllOfNoSessionsReportsNone() throws Exception {
        assertEquals(Set.of(), sessions().refreshAll(List.of(), T0.plus(TTL)));
    }

    /** More hashes than one statement binds (see JdbcSessions.MAX_REFRESH_BATCH): every one still counts. */
    @Test
    default void refreshAllOfManySessionsRefreshesEachAndReportsEachUnknownOne() throws Exception {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            SessionRecord session = session();
            sessions().create(session);
            hashes.add(session.tokenHash());
        }
        hashes.add(1_050, "missing-1");
        hashes.add("missing-2");
        Instant later = T0.plus(TTL).plus(TTL);

        assertEquals(Set.of("missing-1", "missing-2"), sessions().refreshAll(hashes, later));

        assertEquals(later, sessions().find(hashes.get(0), T0).orElseThrow().expiresAt());
        assertEquals(later, sessions().find(hashes.get(1_099), T0).orElseThrow().expiresAt());
    }

    @Test
    default void deletedSessionIsGone() throws Exception {
        SessionRecord session = session();
        sessions().create(session);

        sessions().delete(session.tokenHash());

        assertEquals(Optional.empty(), sessions().find(session.tokenHash(), T0));
        assertFalse(sessions().refresh(session.tokenHash(), T0.plus(TTL)));
    }

    @Test
    default void deletingUnknownSessionIsHarmless() throws Exception {
        sessions().delete("no-such-hash");
    }

    @Test
    default void deleteForDeviceRemovesOnlyThatDevicesSessions() throws Exception {
        SessionRecord first = session("device-x", T0.plus(TTL));
        SessionRecord second = session("device-x", T0.plus(TTL));
        SessionRecord other = session("device-y", T0.plus(TTL));
        sessions().create(first);
        sessions().create(second);
        sessions().create(other);

        assertEquals(2, sessions().deleteForDevice("device-x"));

        assertEquals(Optional.empty(), sessions().find(first.tokenHash(), T0));
        assertEquals(Optional.empty(), sessions().find(second.tokenHash(), T0));
        assertEquals(Optional.of(other), sessions().find(other.tokenHash(), T0));
    }

    @Test
    default void deleteForDeviceWithoutSessionsIsZero() throws Exception {
        assertEquals(0, sessions().deleteForDevice("device-without-sessions"));
    }

    @Test
    default void purgeExpiredRemovesOnlyExpiredSessions() throws Exception {
        SessionRecord expired = session("device-1", T0.plusSeconds(10));
        SessionRecord expiresNow = session("device-1", T0.plusSeconds(20));
        SessionRecord live = session("device-1", T0.plusSeconds(30));
        sessions().create(expired);
        sessions().create(expiresNow);
        sessions().create(live);

        assertEquals(2, sessions().purgeExpired(T0.plusSeconds(20)));

        assertEquals(Optional.of(live), sessions().find(live.tokenHash(), T0));
        assertFalse(sessions().refresh(expired.tokenHash(), T0.plus(TTL)));
        assertFalse(sessions().refresh(expiresNow.tokenHash(), T0.plus(TTL)));
    }
}
