package io.commucat.ccp.client;

import io.commucat.ccp.proto.Frame;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A session's messages as a {@link Flow.Publisher} with back-pressure: pass it to {@link
 * CcpClient#connect} and subscribe one {@link Flow.Subscriber}. A message goes to {@code onNext}
 * only when the subscriber has requested it, and is acknowledged to the server when
 * {@code onNext} returns; while the subscriber requests nothing the session takes nothing more
 * from the server (which holds the rest in the device's inbox), so memory stays bounded however
 * slow the subscriber is.
 *
 * <pre>{@code
 * MessagePublisher messages = new MessagePublisher();
 * CcpSession session = client.connect(messages).join();
 * messages.subscribe(subscriber);
 * }</pre>
 *
 * <p>The session ending completes the subscription ({@code onComplete} when the application
 * closed it, else {@code onError} with the {@link CcpException}). A cancelled subscription
 * acknowledges nothing more: what follows is delivered again on the next session. Frames other
 * than messages, state changes and the end also go to the optional {@code others} listener.
 * Signals come on the client's callback executor, or on the thread that calls
 * {@code request} for a message that was waiting for demand; never two at once.
 */
public final class MessagePublisher implements Flow.Publisher<IncomingMessage>, SessionListener {

    private final SessionListener others;

    // Guarded by this:
    private Flow.Subscriber<? super IncomingMessage> subscriber;
    private long demand;
    private boolean cancelled;
    private IncomingMessage waiting;
    private CompletableFuture<Void> waitingHandled;
    private boolean ended;
    private CcpException endedWith;

    public MessagePublisher() {
        this(new SessionListener() { });
    }

    /** @param others hears everything but messages (frames, state changes, the end) */
    public MessagePublisher(SessionListener others) {
        this.others = Objects.requireNonNull(others, "others");
    }

    /** Takes one subscriber; a second one gets {@code onError(IllegalStateException)}. */
    @Override
    public void subscribe(Flow.Subscriber<? super IncomingMessage> candidate) {
        Objects.requireNonNull(candidate, "subscriber");
        boolean taken;
        boolean alreadyEnded;
        CcpException why;
        synchronized (this) {
            taken = subscriber != null;
            if (!taken) {
                subscriber = candidate;
            }
            alreadyEnded = ended;
            why = endedWith;
        }
        if (taken) {
            candidate.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            candidate.onError(new IllegalStateException("a MessagePublisher takes one subscriber"));
            return;
        }
        candidate.onSubscribe(new Subscription());
        if (alreadyEnded) {
            terminate(candidate, why);
        }
    }

    @Override
    public CompletionStage<Void> onMessageAsync(IncomingMessage message) {
        Flow.Subscriber<? super IncomingMessage> target;
        synchronized (this) {
            if (cancelled) {
                return new CompletableFuture<>(); // never acknowledged: delivered again next session
            }
            if (subscriber == null || demand == 0) {
                waiting = message;
                waitingHandled = new CompletableFuture<>();
                return waitingHandled;
            }
            demand--;
            target = subscriber;
        }
        target.onNext(message);
        return DispatchChain.done();
    }

    @Override
    public void onFrame(Frame frame) {
        others.onFrame(frame);
    }

    @Override
    public void onStateChanged(SessionState state, CcpException cause) {
        others.onStateChanged(state, cause);
    }

    @Override
    public void onClosed(CcpException failure) {
        Flow.Subscriber<? super IncomingMessage> target;
        synchronized (this) {
            ended = true;
            endedWith = failure;
            target = cancelled ? null : subscriber;
            waiting = null; // not acknowledged: it comes again on the next session
        }
        try {
            others.onClosed(failure);
        } finally {
            if (target != null) {
                terminate(target, failure);
            }
        }
    }

    private static void terminate(Flow.Subscriber<? super IncomingMessage> target, CcpException failure) {
        if (failure == null) {
            target.onComplete();
        } else {
            target.onError(failure);
        }
    }

    private final class Subscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            Flow.Subscriber<? super IncomingMessage> target;
            IncomingMessage next;
            CompletableFuture<Void> handled;
            synchronized (MessagePublisher.this) {
                if (cancelled || ended) {
                    return;
                }
                if (n <= 0) {
                    cancelled = true;
                    target = subscriber;
                    next = null;
                    handled = null;
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n; // saturates (§3.17)
                    if (waiting == null) {
                        return;
                    }
                    demand--;
                    target = subscriber;
                    next = waiting;
                    handled = waitingHandled;
                    waiting = null;
                    waitingHandled = null;
                }
            }
            if (next == null) {
                target.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (§3.9)"));
                return;
            }
            target.onNext(next);
            handled.complete(null); // acknowledged; the session goes on with the next message
        }

        @Override
        public void cancel() {
            synchronized (MessagePublisher.this) {
                cancelled = true;
                waiting = null;
            }
        }
    }
}
