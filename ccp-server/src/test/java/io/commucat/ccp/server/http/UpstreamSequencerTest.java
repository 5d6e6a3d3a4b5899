package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.commucat.ccp.server.http.rest.RestResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The companion's reorder buffer (ccp-1.md §1.3), socket-free: what each POST is answered and what the session gets. */
class UpstreamSequencerTest {

    final List<String> delivered = new ArrayList<>();
    boolean ready = true;
    final UpstreamSequencer sequencer = new UpstreamSequencer(new UpstreamSequencer.Sink() {
        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public void deliver(byte[] bytes) {
            delivered.add(new String(bytes, StandardCharsets.US_ASCII));
        }
    }, 10, 3);

    private CompletableFuture<RestResponse> offer(long sequence, String text) {
        CompletableFuture<RestResponse> answer = new CompletableFuture<>();
        sequencer.offer(sequence, text.getBytes(StandardCharsets.US_ASCII), answer);
        return answer;
    }

    private static int status(CompletableFuture<RestResponse> answer) {
        return answer.getNow(null).status();
    }

    @Test
    void inOrderPostsAreDeliveredAndAnswered204() {
        assertEquals(204, status(offer(0, "a")));
        assertEquals(204, status(offer(1, "b")));
        assertEquals(List.of("a", "b"), delivered);
    }

    @Test
    void aPostAfterAGapWaitsForTheGapAndThenGoesInOrder() {
        CompletableFuture<RestResponse> second = offer(1, "b");
        assertFalse(second.isDone());
        assertEquals(List.of(), delivered);
        assertEquals(204, status(offer(0, "a")));
        assertEquals(204, status(second));
        assertEquals(List.of("a", "b"), delivered);
    }

    @Test
    void aDuplicateIsAnswered204AndDropped() {
        offer(0, "a");
        CompletableFuture<RestResponse> held = offer(2, "c");
        assertEquals(204, status(offer(0, "a again")));
        assertEquals(204, status(offer(2, "c again")));
        assertFalse(held.isDone());
        offer(1, "b");
        assertEquals(List.of("a", "b", "c"), delivered);
    }

    @Test
    void aSequenceTooFarAheadIs409() {
        assertEquals(409, status(offer(4, "x")));
        assertFalse(offer(3, "y").isDone());
    }

    @Test
    void heldBytesAreBoundedButTheNextExpectedIsAlwaysTaken() {
        offer(1, "123456");
        assertEquals(503, status(offer(2, "123456")));
        assertEquals("1", offer(3, "1234567").getNow(null).headers().get("retry-after"));
        assertEquals(204, status(offer(0, "0123456789")));
        assertEquals(List.of("0123456789", "123456"), delivered);
    }

    @Test
    void whileTheSessionTakesNoUpstreamThe204Waits() {
        ready = false;
        CompletableFuture<RestResponse> first = offer(0, "a");
        assertFalse(first.isDone());
        ready = true;
        sequencer.drain();
        assertEquals(204, status(first));
        assertEquals(List.of("a"), delivered);
    }

    @Test
    void closingAnswersWhatIsHeld404AndEveryLaterPost404() {
        CompletableFuture<RestResponse> held = offer(1, "b");
        sequencer.close();
        assertEquals(404, status(held));
        assertEquals(404, status(offer(0, "a")));
        assertEquals(List.of(), delivered);
    }
}
