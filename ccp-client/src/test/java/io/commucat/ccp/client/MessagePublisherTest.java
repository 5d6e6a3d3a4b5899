package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class MessagePublisherTest {

    private static IncomingMessage message(String text) {
        return new IncomingMessage(7, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1);
    }

    /** A subscriber that requests nothing by itself. */
    private static final class Recorder implements Flow.Subscriber<IncomingMessage> {
        final List<String> got = new CopyOnWriteArrayList<>();
        Flow.Subscription subscription;
        Throwable error;
        boolean complete;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(IncomingMessage item) {
            got.add(new String(item.payload(), java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            complete = true;
        }
    }

    @Test
    void aMessageWaitsForDemandAndIsAcknowledgedWhenOnNextReturns() {
        MessagePublisher publisher = new MessagePublisher();
        Recorder subscriber = new Recorder();
        publisher.subscribe(subscriber);

        CompletionStage<Void> handled = publisher.onMessageAsync(message("a"));

        assertFalse(handled.toCompletableFuture().isDone(), "no demand: not handed over, not acknowledged");
        subscriber.subscription.request(1);
        assertTrue(handled.toCompletableFuture().isDone());
        assertEquals(List.of("a"), subscriber.got);
    }

    @Test
    void demandRequestedAheadIsUsedAtOnce() {
        MessagePublisher publisher = new MessagePublisher();
        Recorder subscriber = new Recorder();
        publisher.subscribe(subscriber);
        subscriber.subscription.request(2);

        assertTrue(publisher.onMessageAsync(message("a")).toCompletableFuture().isDone());
        assertTrue(publisher.onMessageAsync(message("b")).toCompletableFuture().isDone());
        assertFalse(publisher.onMessageAsync(message("c")).toCompletableFuture().isDone());
        assertEquals(List.of("a", "b"), subscriber.got);
    }

    @Test
    void aCancelledSubscriptionAcknowledgesNothingMore() {
        MessagePublisher publisher = new MessagePublisher();
        Recorder subscriber = new Recorder();
        publisher.subscribe(subscriber);
        subscriber.subscription.request(10);
        subscriber.subscription.cancel();

        assertFalse(publisher.onMessageAsync(message("a")).toCompletableFuture().isDone());
        assertTrue(subscriber.got.isEmpty());
    }

    @Test
    void theSessionsEndCompletesTheSubscription() {
        MessagePublisher publisher = new MessagePublisher();
        Recorder subscriber = new Recorder();
        publisher.subscribe(subscriber);

        publisher.onClosed(null);

        assertTrue(subscriber.complete);
    }

    @Test
    void aFailedSessionEndsTheSubscriptionWithItsError() {
        MessagePublisher publisher = new MessagePublisher();
        Recorder subscriber = new Recorder();
        publisher.subscribe(subscriber);
        CcpException why = new CcpException(CcpException.Kind.CLOSED, "gone", null);

        publisher.onClosed(why);

        assertEquals(why, subscriber.error);
    }

    @Test
    void aSecondSubscriberIsRefused() {
        MessagePublisher publisher = new MessagePublisher();
        publisher.subscribe(new Recorder());
        Recorder second = new Recorder();

        publisher.subscribe(second);

        assertInstanceOf(IllegalStateException.class, second.error);
    }

    @Test
    void aNonPositiveRequestEndsTheSubscriptionWithAnError() {
        MessagePublisher publisher = new MessagePublisher();
        Recorder subscriber = new Recorder();
        publisher.subscribe(subscriber);

        subscriber.subscription.request(0);

        assertInstanceOf(IllegalArgumentException.class, subscriber.error);
    }
}
