package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Any plaintexts, sealed one by one, survive any cutting of the wire bytes, across both engines. */
class NoiseRecordProperties {

    @Property(tries = 60)
    void anyPlaintextsSurviveAnyChunking(@ForAll @IntRange(min = 0, max = 200_000) int totalSize,
            @ForAll long seed, @ForAll NoiseEngine sender, @ForAll NoiseEngine receiver) throws NoiseException {
        Random random = new Random(seed);
        Sessions.Established session = Sessions.established(NoisePattern.IK, sender, receiver);
        byte[] plaintext = new byte[totalSize];
        random.nextBytes(plaintext);

        // Seal in frame-like pieces of random sizes, some spanning several records.
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int done = 0; done < totalSize; ) {
            int piece = Math.min(totalSize - done, 1 + random.nextInt(random.nextBoolean() ? 300 : 140_000));
            wire.writeBytes(session.initiator().seal(plaintext, done, piece));
            done += piece;
        }

        byte[] bytes = wire.toByteArray();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int pos = 0; pos < bytes.length; ) {
            int chunk = Math.min(bytes.length - pos, 1 + random.nextInt(random.nextBoolean() ? 8 : 70_000));
            session.responder().open(bytes, pos, chunk, received::writeBytes);
            pos += chunk;
        }
        assertArrayEquals(plaintext, received.toByteArray());
        assertEquals(0, session.responder().pendingBytes());
    }
}
