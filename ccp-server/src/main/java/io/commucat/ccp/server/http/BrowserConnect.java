package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import java.util.List;

/**
 * Plans an SSE or long-poll {@code /connect} from its query (ccp-1.md §1.2–1.3, rest.md
 * "Connect upstream companion"): without {@code upstream=1} a {@link ConnectBridge} streaming the
 * mode's encoding with upstream from the request body, as the original; SSE with
 * {@code upstream=1} the same with companion upstream; long-poll with {@code upstream=1} a
 * {@link LongPollSession} that outlives each poll, and {@code resume=<token>&after=<sequence>}
 * a later poll of it. Stateless.
 */
final class BrowserConnect {

    private BrowserConnect() {
    }

    static RequestPlan plan(ServerContext context, RequestHead head, ConnectMode mode, String route) {
        List<String> resume = head.query().get("resume");
        if (resume != null) {
            if (mode != ConnectMode.LONG_POLL || resume.size() != 1) {
                return new RequestPlan.Respond(route, Problem.of(400, "resume takes one token, in long-poll mode"));
            }
            long after = after(head.query().get("after"));
            if (after < 0) {
                return new RequestPlan.Respond(route, Problem.of(400, "after must be one decimal sequence number"));
            }
            if (!(context.upstreamTokens().find(resume.get(0)) instanceof LongPollSession session)) {
                return new RequestPlan.Respond(route, Problem.of(404, "no live long-poll connection has this token"));
            }
            return new RequestPlan.Connect(route, mode, transport -> LongPoll.resume(transport, session, after));
        }
        boolean companion = companion(head.query().get("upstream"));
        if (companion && mode == ConnectMode.LONG_POLL) {
            return new RequestPlan.Connect(route, mode, transport -> LongPoll.first(transport, context));
        }
        DownstreamEncoding encoding = DownstreamEncoding.of(mode);
        return new RequestPlan.Connect(route, mode, transport -> new ConnectBridge(transport, context, encoding, companion));
    }

    private static boolean companion(List<String> values) {
        return values != null && values.size() == 1 && (values.get(0).equals("1") || values.get(0).equalsIgnoreCase("true"));
    }

    /** The last sequence the browser has; absent means none (sequences start at 1). -1 when malformed. */
    private static long after(List<String> values) {
        if (values == null) {
            return 0;
        }
        if (values.size() != 1) {
            return -1;
        }
        String text = values.get(0);
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }
}
