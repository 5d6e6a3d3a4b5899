package io.commucat.ccp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.cli.TestNode.Run;
import io.commucat.ccp.cli.TestNode.Running;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code send} and {@code listen} between two identities paired by a code, against a real node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class MessageCommandsTest {

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

    /** Two devices of one user: [sender id, receiver id]. */
    private String[] pair(String sender, String receiver) {
        return new String[] {node.register(sender), node.claim(sender, receiver)};
    }

    @Test
    void aMessageSentByOneIdentityIsPrintedByListenOnTheOther() throws Exception {
        String[] ids = pair("sender", "receiver");
        String channel = TestNode.freshChannel();
        // Each lists the other: whichever joins first opens the channel for both.
        Running listening = node.start(new ByteArrayInputStream(new byte[0]), "receiver",
                "listen", "--channel", channel, "--members", ids[0], "--count", "1", "--timeout", "20");

        Run sent = node.cli("sender", "send", "--channel", channel, "--members", ids[1], "hello from the CLI");

        assertEquals(0, sent.status(), sent.err());
        assertEquals("", sent.out());
        assertEquals(0, listening.status().get(30, TimeUnit.SECONDS), listening.err().toString());
        assertEquals("hello from the CLI\n", listening.out().toString());
    }

    @Test
    void listenPrintsMessagesQueuedWhileItWasNotRunning() {
        String[] ids = pair("early", "late");
        String channel = TestNode.freshChannel();
        node.cli("early", "send", "--channel", channel, "--members", ids[1], "one");
        node.cli("early", "send", "--channel", channel, "--members", ids[1], "two");

        Run run = node.cli("late", "listen", "--channel", channel, "--members", ids[0], "--count", "2");

        assertEquals(0, run.status(), run.err());
        assertEquals("one\ntwo\n", run.out());
    }

    @Test
    void listenWithoutEnoughMessagesFailsAfterTheTimeout() {
        node.register("quiet");

        Run run = node.cli("quiet", "listen", "--channel", TestNode.freshChannel(), "--count", "1", "--timeout", "1");

        assertEquals(ExitStatus.TIMEOUT, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().contains("0 of 1 messages within 1 s"), run.err());
    }

    @Test
    void listenLeavesMessagesOfOtherChannelsAndPastItsCountQueued() {
        String[] ids = pair("twice", "picky");
        String other = TestNode.freshChannel();
        String wanted = TestNode.freshChannel();
        node.cli("twice", "send", "--channel", other, "--members", ids[1], "for later");
        node.cli("twice", "send", "--channel", wanted, "--members", ids[1], "first");
        node.cli("twice", "send", "--channel", wanted, "--members", ids[1], "second");

        Run first = node.cli("picky", "listen", "--channel", wanted, "--members", ids[0], "--count", "1");
        Run second = node.cli("picky", "listen", "--channel", wanted, "--count", "1");
        Run later = node.cli("picky", "listen", "--channel", other, "--count", "1");

        assertEquals("first\n", first.out(), first.err());
        assertEquals("second\n", second.out(), second.err());
        assertEquals("for later\n", later.out(), later.err());
    }

    @Test
    void sendLeavesMessagesForItsOwnDeviceQueued() {
        String[] ids = pair("talker", "replier");
        String channel = TestNode.freshChannel();
        node.cli("talker", "send", "--channel", channel, "--members", ids[1], "are you there?");

        Run reply = node.cli("replier", "send", "--channel", channel, "--members", ids[0], "yes");
        Run listened = node.cli("replier", "listen", "--channel", channel, "--count", "1");

        assertEquals(0, reply.status(), reply.err());
        assertEquals("are you there?\n", listened.out(), listened.err());
    }

    @Test
    void aMessageWithLineBreaksAndEscapesIsPrintedAsOneSafeLine() {
        String[] ids = pair("tricky", "terminal");
        String channel = TestNode.freshChannel();
        node.cli("tricky", "send", "--channel", channel, "--members", ids[1], "two\nlines \u001b[31mred");

        Run run = node.cli("terminal", "listen", "--channel", channel, "--count", "1");

        assertEquals("two\\nlines \\u001b[31mred\n", run.out(), run.err());
    }
}
