package io.commucat.ccp.crypto.noise;

/**
 * Receives the plaintext that {@link NoiseTransport#open(byte[], int, int, PlaintextSink)}
 * decrypts: consecutive pieces of one byte stream (spec §4.1), one piece per record, in order.
 * A piece does not align with CCP frames: feed it to a streaming frame decoder.
 *
 * @param <X> what the sink may throw (e.g. a frame decoder's exception); it ends the transport
 */
@FunctionalInterface
public interface PlaintextSink<X extends Exception> {

    /** Takes the next piece; never empty; the array is the sink's to keep. */
    void accept(byte[] plaintext) throws X;
}
