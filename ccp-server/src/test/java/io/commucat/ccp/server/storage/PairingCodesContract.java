package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PairingCodes} must do. Implementations' tests provide the port and the
 * {@link Directory} of the same store (codes belong to users), empty for each test. Instants
 * have microsecond precision.
 */
public interface PairingCodesContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
    Duration TTL = Duration.ofMinutes(5);

    PairingCodes pairingCodes();

    Directory directory();

    static String hash() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    default String newUser() throws StorageException {
        String id = "user-" + UUID.randomUUID();
        return directory().createUser(new User(id, "handle-" + id, null, null, T0)).id();
    }

    /** A fresh code of {@code userId}, issued at T0, without a cap. */
    default PairingCode issue(String userId) throws StorageException {
        return issue(userId, T0.plus(TTL));
    }

    default PairingCode issue(String userId, Instant expiresAt) throws StorageException {
        PairingCode code = PairingCode.issued(hash(), userId, "device-issuer", T0, expiresAt);
        pairingCodes().issue(code, 0);
        return code;
    }

    default PairingCode stored(PairingCode code) throws StorageException {
        return pairingCodes().find(code.codeHash()).orElseThrow();
    }

    @Test
    default void issuedCodeIsFound() throws Exception {
        PairingCode code = issue(newUser());

        assertEquals(Optional.of(code), pairingCodes().find(code.codeHash()));
    }

    @Test
    default void codeWithoutIssuerDeviceIsFound() throws Exception {
        PairingCode code = PairingCode.issued(hash(), newUser(), null, T0, T0.plus(TTL));
        pairingCodes().issue(code, 0);

        assertEquals(Optional.of(code), pairingCodes().find(code.codeHash()));
    }

    @Test
    default void unknownCodeIsNotFound() throws Exception {
        assertEquals(Optional.empty(), pairingCodes().find(hash()));
    }

    @Test
    default void issuingAnExistingHashIsConflict() throws Exception {
        String user = newUser();
        PairingCode code = issue(user);

        StorageException e = assertThrows(StorageException.class, () -> pairingCodes().issue(
                PairingCode.issued(code.codeHash(), user, null, T0, T0.plus(TTL)), 0));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void issuingForAnUnknownUserIsConflict() {
        StorageException e = assertThrows(StorageException.class, () -> pairingCodes().issue(
                PairingCode.issued(hash(), "no-such-user", null, T0, T0.plus(TTL)), 0));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void liveCodesAreCountedWithTheirFirstExpiry() throws Exception {
        String user = newUser();
        issue(user, T0.plus(Duration.ofMinutes(10)));
        issue(user, T0.plus(Duration.ofMinutes(3)));

        assertEquals(new PairingCodes.LiveCodes(2, Optional.of(T0.plus(Duration.ofMinutes(3)))),
                pairingCodes().live(user, T0));
    }

    @Test
    default void userWithoutCodesHasNoneLive() throws Exception {
        assertEquals(new PairingCodes.LiveCodes(0, Optional.empty()), pairingCodes().live(newUser(), T0));
    }

    @Test
    default void expiredRedeemedAndLockedCodesAreNotLive() throws Exception {
        String user = newUser();
        issue(user, T0.plusSeconds(60));
        PairingCode redeemed = issue(user);
        pairingCodes().redeem(redeemed.codeHash(), "device-new", T0);
        PairingCode locked = issue(user);
        for (int i = 0; i < PairingCodes.MAX_FAILED_ATTEMPTS; i++) {
            pairingCodes().recordFailure(locked.codeHash(), T0);
        }
        PairingCode live = issue(user);

        assertEquals(new PairingCodes.LiveCodes(1, Optional.of(live.expiresAt())),
                pairingCodes().live(user, T0.plusSeconds(60)));
    }

    @Test
    default void codesOfOtherUsersAreNotCounted() throws Exception {
        String user = newUser();
        issue(newUser());

        assertEquals(0, pairingCodes().live(user, T0).count());
    }

    @Test
    default void issuingAtTheCapIsLimitReached() throws Exception {
        String user = newUser();
        pairingCodes().issue(PairingCode.issued(hash(), user, null, T0, T0.plus(TTL)), 2);
        pairingCodes().issue(PairingCode.issued(hash(), user, null, T0, T0.plus(TTL)), 2);

        StorageException e = assertThrows(StorageException.class, () -> pairingCodes().issue(
                PairingCode.issued(hash(), user, null, T0, T0.plus(TTL)), 2));
        assertEquals(StorageException.Kind.LIMIT_REACHED, e.kind());
        assertEquals(2, pairingCodes().live(user, T0).count());
    }

    @Test
    default void codesExpiredWhenIssuingDoNotCountTowardsTheCap() throws Exception {
        String user = newUser();
        issue(user, T0.plusSeconds(60));
        Instant later = T0.plusSeconds(60);

        pairingCodes().issue(PairingCode.issued(hash(), user, null, later, later.plus(TTL)), 1);

        assertEquals(1, pairingCodes().live(user, later).count());
    }

    @Test
    default void racingIssuesCannotPassTheCap() throws Exception {
        String user = newUser();
        int threads = 8;
        int cap = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<StorageException.Kind>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                PairingCode code = PairingCode.issued(hash(), user, null, T0, T0.plus(TTL));
                Callable<StorageException.Kind> attempt = () -> {
                    start.await();
                    try {
                        pairingCodes().issue(code, cap);
                        return null;
                    } catch (StorageException e) {
                        return e.kind();
                    }
                };
                outcomes.add(pool.submit(attempt));
            }
            start.countDown();
            int issued = 0;
            for (Future<StorageException.Kind> outcome : outcomes) {
                StorageException.Kind kind = outcome.get();
                if (kind == null) {
                    issued++;
                } else {
                    assertEquals(StorageException.Kind.LIMIT_REACHED, kind);
                }
            }
            assertEquals(cap, issued);
            assertEquals(cap, pairingCodes().live(user, T0).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void redeemingMarksTheCodeUsedByTheDevice() throws Exception {
        PairingCode code = issue(newUser());
        Instant at = T0.plusSeconds(10);

        assertTrue(pairingCodes().redeem(code.codeHash(), "device-new", at));

        PairingCode after = stored(code);
        assertEquals(at, after.redeemedAt());
        assertEquals("device-new", after.redeemedDeviceId());
        assertEquals(PairingCode.State.USED, after.state(at));
    }

    @Test
    default void codeIsRedeemedOnlyOnce() throws Exception {
        PairingCode code = issue(newUser());
        pairingCodes().redeem(code.codeHash(), "device-first", T0);

        assertFalse(pairingCodes().redeem(code.codeHash(), "device-second", T0));
        assertEquals("device-first", stored(code).redeemedDeviceId());
    }

    @Test
    default void expiredCodeIsNotRedeemed() throws Exception {
        PairingCode code = issue(newUser());

        assertFalse(pairingCodes().redeem(code.codeHash(), "device-new", code.expiresAt()));
        assertEquals(PairingCode.State.EXPIRED, stored(code).state(code.expiresAt()));
    }

    @Test
    default void codeIsRedeemedJustBeforeItExpires() throws Exception {
        PairingCode code = issue(newUser());

        assertTrue(pairingCodes().redeem(code.codeHash(), "device-new", code.expiresAt().minusNanos(1_000)));
    }

    @Test
    default void lockedCodeIsNotRedeemed() throws Exception {
        PairingCode code = issue(newUser());
        for (int i = 0; i < PairingCodes.MAX_FAILED_ATTEMPTS; i++) {
            pairingCodes().recordFailure(code.codeHash(), T0);
        }

        assertFalse(pairingCodes().redeem(code.codeHash(), "device-new", T0));
        assertEquals(PairingCode.State.LOCKED, stored(code).state(T0));
    }

    @Test
    default void unknownCodeIsNotRedeemed() throws Exception {
        assertFalse(pairingCodes().redeem(hash(), "device-new", T0));
    }

    @Test
    default void ofTwoRacingRedeemsExactlyOneWins() throws Exception {
        String user = newUser();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Many rounds: one round could pass by luck of scheduling.
            for (int round = 0; round < 25; round++) {
                PairingCode code = issue(user);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String device = "device-" + round + "-" + i;
                    claims.add(pool.submit(() -> {
                        start.await();
                        return pairingCodes().redeem(code.codeHash(), device, T0);
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<Boolean> claim : claims) {
                    won += claim.get() ? 1 : 0;
                }
                assertEquals(1, won, "round " + round);
                assertEquals(PairingCode.State.USED, stored(code).state(T0));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void failedAttemptIsCounted() throws Exception {
        PairingCode code = issue(newUser());

        Optional<PairingCode> after = pairingCodes().recordFailure(code.codeHash(), T0);

        assertEquals(1, after.orElseThrow().failedAttempts());
        assertEquals(PairingCode.State.LIVE, after.get().state(T0));
    }

    @Test
    default void fifthFailedAttemptLocksTheCode() throws Exception {
        PairingCode code = issue(newUser());
        for (int i = 1; i < PairingCodes.MAX_FAILED_ATTEMPTS; i++) {
            assertEquals(PairingCode.State.LIVE, pairingCodes().recordFailure(code.codeHash(), T0).orElseThrow()
                    .state(T0));
        }

        PairingCode after = pairingCodes().recordFailure(code.codeHash(), T0).orElseThrow();

        assertEquals(PairingCodes.MAX_FAILED_ATTEMPTS, after.failedAttempts());
        assertEquals(PairingCode.State.LOCKED, after.state(T0));
    }

    @Test
    default void lockedCodeCountsNoFurtherAttempts() throws Exception {
        PairingCode code = issue(newUser());
        for (int i = 0; i < PairingCodes.MAX_FAILED_ATTEMPTS + 3; i++) {
            pairingCodes().recordFailure(code.codeHash(), T0);
        }

        assertEquals(PairingCodes.MAX_FAILED_ATTEMPTS, stored(code).failedAttempts());
    }

    @Test
    default void racingFailedAttemptsAreAllCounted() throws Exception {
        PairingCode code = issue(newUser());
        int threads = PairingCodes.MAX_FAILED_ATTEMPTS - 1;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Optional<PairingCode>>> attempts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                attempts.add(pool.submit(() -> {
                    start.await();
                    return pairingCodes().recordFailure(code.codeHash(), T0);
                }));
            }
            start.countDown();
            for (Future<Optional<PairingCode>> attempt : attempts) {
                attempt.get();
            }
            assertEquals(threads, stored(code).failedAttempts());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void failedAttemptOnAnUnknownCodeFindsNothing() throws Exception {
        assertEquals(Optional.empty(), pairingCodes().recordFailure(hash(), T0));
    }

    @Test
    default void failedAttemptOnAUsedCodeLeavesIt() throws Exception {
        PairingCode code = issue(newUser());
        pairingCodes().redeem(code.codeHash(), "device-new", T0);

        PairingCode after = pairingCodes().recordFailure(code.codeHash(), T0).orElseThrow();

        assertEquals(0, after.failedAttempts());
        assertEquals(PairingCode.State.USED, after.state(T0));
    }

    @Test
    default void failedAttemptOnAnExpiredCodeLeavesIt() throws Exception {
        PairingCode code = issue(newUser());

        PairingCode after = pairingCodes().recordFailure(code.codeHash(), code.expiresAt()).orElseThrow();

        assertEquals(0, after.failedAttempts());
    }

    @Test
    default void purgeRemovesCodesExpiredByTheCutoff() throws Exception {
        String user = newUser();
        PairingCode early = issue(user, T0.plusSeconds(60));
        PairingCode atCutoff = issue(user, T0.plusSeconds(120));
        PairingCode late = issue(user, T0.plusSeconds(180));

        assertEquals(2, pairingCodes().purgeExpired(T0.plusSeconds(120)));

        assertEquals(Optional.empty(), pairingCodes().find(early.codeHash()));
        assertEquals(Optional.empty(), pairingCodes().find(atCutoff.codeHash()));
        assertEquals(Optional.of(late), pairingCodes().find(late.codeHash()));
    }
}
