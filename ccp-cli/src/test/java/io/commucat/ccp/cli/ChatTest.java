package io.commucat.ccp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.cli.TestNode.Run;
import io.commucat.ccp.cli.TestNode.Running;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code chat} driven through a pipe, against a real node, with another identity on the other end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ChatTest {

    @TempDir
    static Path dir;

    private TestNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = TestNode.start(dir);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static ByteArrayInputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A stdin the test writes to while the chat runs. */
    private static final class Keyboard implements AutoCloseable {
        final PipedInputStream in = new PipedInputStream();
        final PipedOutputStream out;

        Keyboard() throws IOException {
            out = new PipedOutputStream(in);
        }

        void type(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Ctrl-D. */
        void endOfInput() throws IOException {
            out.close();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    @Test
    void eachLineFromThePipeIsSentAndTheOtherIdentityReceivesIt() {
        String me = node.register("typist");
        String other = node.claim("typist", "reader");
        String channel = TestNode.freshChannel();

        Run chat = node.cli(input("hello from chat\nsecond line\n"), "typist",
                "chat", "--channel", channel, "--members", other);

        assertEquals(0, chat.status(), chat.err());
        Run listened = node.cli("reader", "listen", "--channel", channel, "--members", me, "--count", "2");
        assertEquals("hello from chat\nsecond line\n", listened.out(), listened.err());
    }

    @Test
    void aMessageFromTheOtherIdentityIsPrintedAsItComes() throws Exception {
        String me = node.register("watcher");
        String other = node.claim("watcher", "poster");
        String channel = TestNode.freshChannel();
        try (Keyboard keyboard = new Keyboard()) {
            Running chat = node.start(keyboard.in, "watcher", "chat", "--channel", channel, "--members", other);
            chat.awaitErr("chat on channel " + channel);

            assertEquals(0, node.cli("poster", "send", "--channel", channel, "--members", me, "hi there").status());

            chat.awaitOut("< hi there\n");
            keyboard.type("/quit");
            assertEquals(0, chat.status().get(20, TimeUnit.SECONDS), chat.err().toString());
        }
    }

    @Test
    void aPeersPresenceIsPrintedAsAnEvent() throws Exception {
        String me = node.register("observer");
        String other = node.claim("observer", "away");
        String channel = TestNode.freshChannel();
        try (Keyboard keyboard = new Keyboard()) {
            Running chat = node.start(keyboard.in, "observer", "chat", "--channel", channel, "--members", other);
            chat.awaitErr("chat on channel " + channel);

            Run peer = node.cli(input("/presence away\n"), "away", "chat", "--channel", channel, "--members", me);

            assertEquals(0, peer.status(), peer.err());
            chat.awaitOut("* presence " + other + ": away\n");
            keyboard.endOfInput();
            assertEquals(0, chat.status().get(20, TimeUnit.SECONDS), chat.err().toString());
        }
    }

    @Test
    void anUnknownChatCommandIsExplainedAndTheChatGoesOn() {
        node.register("commander");
        String other = node.claim("commander", "commanded");

        Run chat = node.cli(input("/frobnicate\n/help\n/quit\n"), "commander",
                "chat", "--channel", TestNode.freshChannel(), "--members", other);

        assertEquals(0, chat.status(), chat.err());
        assertTrue(chat.err().contains("unknown command /frobnicate; /help lists them"), chat.err());
        assertTrue(chat.err().contains("/presence STATE"), chat.err());
        assertEquals("", chat.out());
    }

    @Test
    void aChannelItMayNotJoinEndsTheChatWithTheServersReason() {
        node.register("outsider");
        String owner = node.register("owner");
        String channel = TestNode.freshChannel();
        // A channel the owner opened alone: the outsider is not listed, so it may not join.
        assertEquals(0, node.cli("owner", "send", "--channel", channel, "mine").status());

        Run chat = node.cli(input("let me in\n"), "outsider", "chat", "--channel", channel, "--members", owner);

        assertEquals(1, chat.status(), chat.err());
        assertEquals("", chat.out());
        assertTrue(chat.err().startsWith("ccp-cli: chat: REFUSED "), chat.err());
    }
}
