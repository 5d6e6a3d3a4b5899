package io.commucat.ccp.ledger;

/**
 * When {@link FileLedger} asks the disk to persist ({@code fsync}). Whatever the policy, every
 * record is handed to the operating system before its append is reported done, so a crash of
 * the process loses nothing; the policy decides what a power loss can take.
 */
public enum FsyncPolicy {
    /** Never; the operating system writes back when it likes. */
    NONE,
    /** Once per batch the writer thread takes from the queue (group commit). */
    BATCH,
    /** Each record is written and persisted on its own before the next. */
    EVERY_RECORD
}
