package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link Bus} must do. Implementations give each call a fresh bus, closed by the test. */
public interface BusContract {

    /** A new bus; buses made by one test class reach each other (one Redis, or one JVM instance). */
    Bus newBus();

    static String node() {
        return "node-" + UUID.randomUUID();
    }

    @Test
    default void aSubscribedNodeReceivesWhatIsPublishedToIt() throws Exception {
        try (Bus receiver = newBus(); Bus sender = newBus()) {
            String node = node();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            receiver.subscribe(node, received::add);

            byte[] message = {0, 1, 2, (byte) 0xff, 0};
            sender.publish(node, message);

            assertArrayEquals(message, received.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    default void aNodeReceivesOnlyItsOwnMessages() throws Exception {
        try (Bus receiver = newBus(); Bus sender = newBus()) {
            String node = node();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            receiver.subscribe(node, received::add);

            sender.publish(node(), new byte[] {1});
            sender.publish(node, new byte[] {2});

            assertArrayEquals(new byte[] {2}, received.poll(5, TimeUnit.SECONDS));
            assertNull(received.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    default void publishingToANodeNobodyListensOnIsNoError() throws Exception {
        try (Bus sender = newBus()) {
            sender.publish(node(), new byte[] {1});
        }
    }

    @Test
    default void messagesFromOneSenderArriveInOrder() throws Exception {
        try (Bus receiver = newBus(); Bus sender = newBus()) {
            String node = node();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            receiver.subscribe(node, received::add);

            for (int i = 0; i < 100; i++) {
                sender.publish(node, new byte[] {(byte) i});
            }

            for (int i = 0; i < 100; i++) {
                assertArrayEquals(new byte[] {(byte) i}, received.poll(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    default void aClosedBusNoLongerReceivesAndRefusesToPublish() throws Exception {
        try (Bus sender = newBus()) {
            String node = node();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            Bus receiver = newBus();
            receiver.subscribe(node, received::add);
            assertTrue(receiver.ping());

            receiver.close();
            sender.publish(node, new byte[] {1});

            assertNull(received.poll(300, TimeUnit.MILLISECONDS));
            assertThrows(StorageException.class, () -> receiver.publish(node, new byte[] {1}));
        }
    }

    @Test
    default void aFailingHandlerDoesNotStopTheSubscription() throws Exception {
        try (Bus receiver = newBus(); Bus sender = newBus()) {
            String node = node();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            receiver.subscribe(node, message -> {
                if (message[0] == 0) {
                    throw new IllegalStateException("handler bug");
                }
                received.add(message);
            });

            try {
                sender.publish(node, new byte[] {0});
            } catch (IllegalStateException e) {
                // An in-process bus runs the handler on the publisher's thread.
            }
            sender.publish(node, new byte[] {1});

            assertArrayEquals(new byte[] {1}, received.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    default void aBroadcastReachesEverySubscribedNodeTheSenderIncludedOnce() throws Exception {
        try (Bus receiver = newBus(); Bus sender = newBus()) {
            LinkedBlockingQueue<byte[]> atReceiver = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<byte[]> atSender = new LinkedBlockingQueue<>();
            receiver.subscribe(node(), atReceiver::add);
            sender.subscribe(node(), atSender::add);

            byte[] message = {3, 0, (byte) 0x80};
            sender.broadcast(message);

            assertArrayEquals(message, atReceiver.poll(5, TimeUnit.SECONDS));
            assertArrayEquals(message, atSender.poll(5, TimeUnit.SECONDS));
            assertNull(atReceiver.poll(200, TimeUnit.MILLISECONDS), "one copy per node");
            assertNull(atSender.poll(1, TimeUnit.MILLISECONDS), "one copy per node");
        }
    }

    @Test
    default void aNodeMessageAndABroadcastBothArriveOnTheOneSubscription() throws Exception {
        try (Bus receiver = newBus(); Bus sender = newBus()) {
            String node = node();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            receiver.subscribe(node, received::add);

            sender.publish(node, new byte[] {1});
            sender.broadcast(new byte[] {2});

            assertArrayEquals(new byte[] {1}, received.poll(5, TimeUnit.SECONDS));
            assertArrayEquals(new byte[] {2}, received.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    default void broadcastingWithNobodySubscribedIsNoError() throws Exception {
        try (Bus sender = newBus()) {
            sender.broadcast(new byte[] {1});
        }
    }

    @Test
    default void aClosedBusRefusesToBroadcast() {
        Bus bus = newBus();
        bus.close();

        assertThrows(StorageException.class, () -> bus.broadcast(new byte[] {1}));
    }
}
