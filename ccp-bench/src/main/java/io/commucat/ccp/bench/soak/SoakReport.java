package io.commucat.ccp.bench.soak;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The soak's report: a table by window, the notes that say what the columns mean, and the last line. */
final class SoakReport {

    private final PrintStream out;

    SoakReport(PrintStream out) {
        this.out = out;
    }

    void print(Soak.Result result, int devices, int[] channels, double rate, long reconnects) {
        out.printf(Locale.ROOT, "%d devices in channels of %s members, %.0f msgs/s offered (open loop); %d link losses"
                + " seen by sessions%n", devices, Arrays.stream(channels).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ")), rate, reconnects);
        out.println("devices deduplicate by content (Deduplication.byContent(4096): payloads are unique); copies the"
                + " SDK dropped are not observable through its API, so 'dup' counts what reached the application");
        String format = "%-20s %8s %8s %8s %8s %10s %6s %5s %7s  %s%n";
        out.printf(Locale.ROOT, format, "window", "sent", "acked", "refused", "pending", "delivered", "lost", "dup",
                "reorder", "healed");
        for (int w = 0; w < result.windows().size(); w++) {
            row(format, result.windows().get(w), result.tallies().get(w), w == 0 ? "-" : heal(result.heals().get(w)));
        }
        row(format, "total", result.total(), "");
        Map<String, Long> refused = result.total().refused();
        if (!refused.isEmpty()) {
            out.println("refused by kind: " + refused);
        }
        if (result.total().lost() > 0) {
            out.println("lost " + result.total().lost() + " after the drain: " + result.foundInInbox()
                    + " of them were in inboxes (delivered once every device's link was cut at the end: queued for a"
                    + " device that stayed connected and was never told), " + result.gone() + " are gone");
        }
        result.duplicateSamples().forEach(line -> out.println("duplicate: " + line));
        result.missingSamples().forEach(line -> out.println("lost: " + line));
        Ledger.Tally t = result.total();
        out.printf(Locale.ROOT, "soak: sent %d, acked %d, delivered %d, lost %d, duplicated %d, reordered %d%n",
                t.sent(), t.acked(), t.delivered(), t.lost(), t.duplicated(), t.reordered());
        out.flush();
    }

    private void row(String format, String name, Ledger.Tally t, String heal) {
        out.printf(Locale.ROOT, format, name, t.sent(), t.acked(), t.refused().values().stream().mapToLong(Long::longValue).sum(),
                t.pending(), t.delivered(), t.lost(), t.duplicated(), t.reordered(), heal);
    }

    private static String heal(Optional<Duration> heal) {
        return heal.map(h -> String.format(Locale.ROOT, "%.2f s", h.toMillis() / 1000.0)).orElse("NOT healed");
    }
}
