package io.commucat.ccp.proto;

/**
 * Where a decoder reserves the memory it holds for a frame it has not finished. A server gives
 * the decoders of all its sessions one shared budget, so that peers who leave large frames
 * unfinished cannot exhaust its heap together; this module only asks and gives back.
 * Implementations are thread-safe.
 */
public interface BufferReservations {

    /** Never refuses (clients, tools, tests). */
    BufferReservations UNLIMITED = new BufferReservations() {
        @Override
        public boolean reserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
            // Nothing was counted.
        }
    };

    /**
     * Takes {@code bytes} (positive) from the budget.
     *
     * @return false, having taken nothing, when the budget cannot spare them
     */
    boolean reserve(long bytes);

    /** Gives back {@code bytes} that {@link #reserve} took; each reservation is released once. */
    void release(long bytes);
}
