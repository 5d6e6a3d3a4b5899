package io.commucat.ccp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the cluster bus decoder (docs/fuzzing.md). Any bytes are a message
 * or a {@link ClusterMessage.MalformedException}, never another exception; a decoded message
 * encodes to bytes that decode to an equal message.
 */
class ClusterMessageFuzzTest {

    @FuzzTest
    void busMessage(byte[] input) {
        ClusterMessage message;
        try {
            message = ClusterMessage.decode(input);
        } catch (ClusterMessage.MalformedException refused) {
            return;
        }
        try {
            assertEquals(message, ClusterMessage.decode(ClusterMessage.encode(message)), "a decoded message round-trips");
        } catch (ClusterMessage.MalformedException e) {
            throw new AssertionError("a decoded message encodes to bytes that do not decode", e);
        }
    }
}
