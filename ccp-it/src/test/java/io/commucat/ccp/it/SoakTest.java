package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.bench.soak.Soak;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short version of {@code ./ccp soak} (docs/soak.md): three node processes on the real
 * PostgreSQL (a fresh schema, behind the soak's proxy) and a private redis-server, SDK devices
 * behind the soak's balancer, open-loop traffic, and every fault once: a node SIGKILLed, Redis
 * killed and restarted empty, PostgreSQL black-holed, PostgreSQL "restarted", a node SIGTERMed.
 * Nothing acknowledged may be lost and nothing may reach an application twice. Reordering is
 * reported, not asserted: CCP-1 orders a sender's messages on one link, and a resend after a
 * reconnect or a redelivery from the inbox may overtake a later live delivery. PostgreSQL or
 * redis-server missing fails the test (the soak cannot start).
 */
@Timeout(600)
class SoakTest {

    @Test
    void nothingAcknowledgedIsLostOrDeliveredTwiceAcrossEveryFault() throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        Soak.Result result;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            result = Soak.run(out, "--duration", "50", "--outage", "3", "--rate", "100", "--channels", "2,3,6",
                    "--node-heap", "256m", "--heal-timeout", "40", "--drain-timeout", "40");
        }
        String text = report.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(result.acked() > 0, "traffic flowed:\n" + text);
        assertEquals(0, result.lost(), "acknowledged messages lost:\n" + text);
        assertEquals(0, result.duplicated(), "messages delivered twice to an application:\n" + text);
    }
}
