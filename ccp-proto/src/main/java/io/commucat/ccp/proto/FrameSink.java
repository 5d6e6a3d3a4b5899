package io.commucat.ccp.proto;

/** Receives frames from a {@link StreamingFrameDecoder}. */
@FunctionalInterface
public interface FrameSink {

    /**
     * Takes one decoded frame.
     *
     * @return {@code true} to go on decoding, {@code false} to stop right after this frame and
     *     leave the following bytes unconsumed (the bootstrap stops after the device's Auth: what
     *     follows it is Noise transport data, not plain frames)
     */
    boolean accept(Frame frame) throws CodecException;
}
