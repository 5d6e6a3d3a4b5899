package io.commucat.ccp.crypto.noise;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.security.SecureRandom;

/** Test helper: runs CCP-1 handshakes between any two engines. */
final class Sessions {

    /** CCP-1's default prologue (spec §3.7). */
    static final byte[] PROLOGUE = "commucat".getBytes(US_ASCII);

    static final SecureRandom RANDOM = new SecureRandom();

    private Sessions() {
    }

    /** Both ends of one fresh handshake, nothing sent yet. */
    record Pair(NoiseHandshake initiator, NoiseHandshake responder, NoiseKeyPair initiatorStatic,
            NoiseKeyPair responderStatic) {

        /** Writes message {@code index} on its sender's side and reads it on the other. */
        byte[] exchange(int index, byte[] payload) throws NoiseException {
            NoiseHandshake writer = index % 2 == 0 ? initiator : responder;
            NoiseHandshake reader = index % 2 == 0 ? responder : initiator;
            return reader.readMessage(writer.writeMessage(payload));
        }

        /** Runs all messages with empty payloads and splits both sides. */
        Established finish() throws NoiseException {
            for (int i = 0; i < initiator.pattern().messageCount(); i++) {
                exchange(i, new byte[0]);
            }
            return new Established(initiator.split(), responder.split(), initiator.handshakeHash(),
                    responder.handshakeHash());
        }
    }

    /** Both transports of a finished handshake. */
    record Established(NoiseTransport initiator, NoiseTransport responder, byte[] initiatorHash,
            byte[] responderHash) {
    }

    static Pair start(NoisePattern pattern, NoiseEngine initiatorEngine, NoiseEngine responderEngine) {
        NoiseKeyPair initiatorStatic = NoiseKeyPair.generate(RANDOM);
        NoiseKeyPair responderStatic = NoiseKeyPair.generate(RANDOM);
        return new Pair(
                initiatorEngine.initiator(pattern, initiatorStatic, responderStatic.publicKey(), PROLOGUE),
                responderEngine.responder(pattern, responderStatic, PROLOGUE),
                initiatorStatic, responderStatic);
    }

    static Established established(NoisePattern pattern, NoiseEngine initiatorEngine, NoiseEngine responderEngine)
            throws NoiseException {
        return start(pattern, initiatorEngine, responderEngine).finish();
    }
}
