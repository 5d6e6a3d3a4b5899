package io.commucat.ccp.ledger;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link FileLedger} writes. A file is rotated before the next record once it
 * holds at least {@code maxFileBytes}, or once its first record is {@code maxFileAge} old;
 * {@code 0} / {@link Duration#ZERO} turns that trigger off.
 */
public record FileLedgerConfig(Path directory, String prefix, FsyncPolicy fsync, long maxFileBytes,
        Duration maxFileAge, Clock clock) {

    public static final String DEFAULT_PREFIX = "audit";
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    public static final Duration DEFAULT_MAX_FILE_AGE = Duration.ofDays(1);

    public FileLedgerConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(maxFileAge, "maxFileAge");
        Objects.requireNonNull(clock, "clock");
        EventFields.requireName("prefix", prefix);
        if (maxFileBytes < 0 || maxFileAge.isNegative()) {
            throw new IllegalArgumentException("rotation limits must not be negative");
        }
    }

    /** {@code audit-NNNNNN.jsonl} in {@code directory}, fsync per batch, 64 MiB or one day per file. */
    public static FileLedgerConfig defaults(Path directory) {
        return new FileLedgerConfig(directory, DEFAULT_PREFIX, FsyncPolicy.BATCH, DEFAULT_MAX_FILE_BYTES,
                DEFAULT_MAX_FILE_AGE, Clock.systemUTC());
    }

    public FileLedgerConfig withFsync(FsyncPolicy policy) {
        return new FileLedgerConfig(directory, prefix, policy, maxFileBytes, maxFileAge, clock);
    }

    public FileLedgerConfig withRotation(long maxBytes, Duration maxAge) {
        return new FileLedgerConfig(directory, prefix, fsync, maxBytes, maxAge, clock);
    }

    public FileLedgerConfig withClock(Clock newClock) {
        return new FileLedgerConfig(directory, prefix, fsync, maxFileBytes, maxFileAge, newClock);
    }
}
