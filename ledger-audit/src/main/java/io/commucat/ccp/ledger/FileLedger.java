package io.commucat.ccp.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The ledger as rotated JSON Lines files in a directory (see {@link LedgerFiles}). Records are
 * appended with {@code write(2)} at {@link #commit()} (or at once under {@link
 * FsyncPolicy#EVERY_RECORD}), so nothing sits in a user-space buffer after a commit; fsync
 * follows the {@link FsyncPolicy}. A rotated-away file is always fsynced before the next file
 * names it. One process at a time: a lock file guards the directory.
 */
public final class FileLedger implements LedgerSink {

    private final FileLedgerConfig config;
    private final Chain chain;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AcknowledgedDamage damageFound;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 16);

    private FileChannel channel;
    private Path file;
    private long index;
    private long fileBytes;
    private boolean fileHasRecords;
    private Instant fileStartedAt;

    private FileLedger(FileLedgerConfig config, FileChannel lockChannel, FileLock lock, FileRecovery.Resume resume)
            throws IOException {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.chain = new Chain(resume.head());
        this.damageFound = resume.damage();
        openFile(resume.file(), resume.index(), resume.startedAt());
        if (resume.first() != null) {
            append(resume.first());
            commit();
        }
    }

    /**
     * Opens the ledger in {@code config.directory()}, verifying the current file's tail and
     * continuing its chain (see {@link FileRecovery} for what happens to a damaged tail).
     */
    public static FileLedger open(FileLedgerConfig config) throws LedgerException {
        Path directory = config.directory();
        FileChannel lockChannel = null;
        try {
            java.nio.file.Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(config.prefix() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockChannel);
            if (lock == null) {
                lockChannel.close();
                throw new LedgerException(LedgerException.Kind.IN_USE, directory + ": the ledger is open elsewhere", null);
            }
            return new FileLedger(config, lockChannel, lock, FileRecovery.resume(directory, config.prefix()));
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new LedgerException(LedgerException.Kind.OPEN_FAILED, directory + ": " + e.getMessage(), e);
        }
    }

    /** The damaged tail found on open and recorded in the new file, if any; for the server to log. */
    public Optional<AcknowledgedDamage> damageFound() {
        return Optional.ofNullable(damageFound);
    }

    /**
     * Bytes the ledger's files ({@code <prefix>-NNNNNN.jsonl}) in {@code directory} take now, for
     * a size metric. Reads only file sizes; safe from any thread while the ledger writes.
     */
    public static long bytesOnDisk(Path directory, String prefix) throws IOException {
        long total = 0;
        for (Path file : LedgerFiles.list(directory, prefix)) {
            try {
                total += java.nio.file.Files.size(file);
            } catch (java.nio.file.NoSuchFileException gone) {
                // Removed by the operator between the listing and now.
            }
        }
        return total;
    }

    /** The file records go to now. */
    public Path currentFile() {
        return file;
    }

    @Override
    public Receipt append(LedgerEvent event) throws IOException {
        Instant now = config.clock().instant();
        if (dueForRotation(now)) {
            rotate(now);
        }
        return write(chain.seal(event, now)).receipt();
    }

    @Override
    public void commit() throws IOException {
        flushPending();
        if (config.fsync() == FsyncPolicy.BATCH) {
            channel.force(false);
        }
    }

    @Override
    public ChainHead head() {
        return chain.head();
    }

    @Override
    public void close() throws IOException {
        try {
            commit();
            channel.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    private SealedRecord write(SealedRecord record) throws IOException {
        pending.writeBytes(record.line());
        fileBytes += record.line().length;
        fileHasRecords = true;
        if (fileStartedAt == null) {
            fileStartedAt = Instant.ofEpochMilli(record.recordedAtMillis());
        }
        if (config.fsync() == FsyncPolicy.EVERY_RECORD) {
            flushPending();
            channel.force(false);
        }
        return record;
    }

    private boolean dueForRotation(Instant now) {
        if (!fileHasRecords) {
            return false;
        }
        boolean full = config.maxFileBytes() > 0 && fileBytes >= config.maxFileBytes();
        boolean old = !config.maxFileAge().isZero() && fileStartedAt != null
                && !now.isBefore(fileStartedAt.plus(config.maxFileAge()));
        return full || old;
    }

    /** Closes the current file (persisted, whatever the policy) and opens the next, naming the old one. */
    private void rotate(Instant now) throws IOException {
        Path previous = file;
        flushPending();
        channel.force(true);
        channel.close();
        openFile(LedgerFiles.path(config.directory(), config.prefix(), index + 1), index + 1, null);
        write(chain.seal(RecoveryNote.rotation(previous), now));
    }

    private void openFile(Path path, long number, Instant startedAt) throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        file = path;
        index = number;
        fileBytes = channel.size();
        fileHasRecords = fileBytes > 0;
        fileStartedAt = startedAt;
        if (config.fsync() != FsyncPolicy.NONE) {
            syncDirectory();
        }
    }

    private void flushPending() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        pending.reset();
    }

    /** Persists the new file's directory entry; Linux allows fsync on a directory, others may not. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(config.directory(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here; the file's own fsync still persists its data.
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the first error is the one reported.
            }
        }
    }
}
