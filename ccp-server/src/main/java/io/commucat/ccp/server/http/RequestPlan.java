package io.commucat.ccp.server.http;

import io.commucat.ccp.server.admission.RateLimiter;
import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestEndpoint;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.http.rest.Router;
import java.util.function.Function;

/**
 * What to do with a request, decided from its head alone; the same for HTTP/2 and HTTP/1.1.
 * {@code route} is the metrics label.
 */
sealed interface RequestPlan {

    String route();

    /**
     * {@code /connect}: a streaming exchange with the head of {@code mode}, served by what
     * {@code drivers} makes of the transport once the head is out.
     */
    record Connect(String route, ConnectMode mode, Function<ConnectTransport, ConnectDriver> drivers)
            implements RequestPlan {
    }

    /**
     * WebSocket {@code /connect}: an RFC 6455 upgrade (HTTP/1.1) or an RFC 8441 extended CONNECT
     * (HTTP/2); the transport validates the handshake its protocol needs.
     */
    record WebSocket(String route) implements RequestPlan {
    }

    /** Answer at once (400 for a malformed target or resume, 404 also for an ended resume token, 405, 413 by declared length). */
    record Respond(String route, RestResponse response) implements RequestPlan {
    }

    /**
     * Answer at once and end the exchange without reading the body: HTTP/1.1 closes the
     * connection, HTTP/2 resets the stream if the client is still sending (a refused
     * {@code /connect} would otherwise stay open). For a per-address limit's 429.
     */
    record Refuse(String route, RestResponse response) implements RequestPlan {
    }

    /** Collect the body (bounded), then call the endpoint with the route's path parameters. */
    record Call(String route, RestEndpoint endpoint, java.util.Map<String, String> params) implements RequestPlan {

        RestRequest request(RequestHead head, byte[] body) {
            return head.toRequest(body, params);
        }
    }

    /**
     * The per-address limit of the request's kind ({@code /connect} or any other) is counted for
     * {@code head.client()} (the TCP peer, or behind a trusted proxy the forwarded client) before
     * anything else is done.
     */
    static RequestPlan of(ServerContext context, RequestHead head) {
        Router.Match match;
        try {
            // An extended CONNECT to /connect is how HTTP/2 asks for a WebSocket (RFC 8441).
            boolean tunnel = head.extendedConnect() && head.path().equals(Router.CONNECT_PATH);
            match = context.router().match(tunnel ? "GET" : head.method(), head.path());
        } catch (RuntimeException e) {
            // A routing bug must still answer (500 with a correlation id), not leave the stream hanging.
            return new Respond(Router.UNMATCHED, RestEndpoint.internalError(head.toRequest(new byte[0], java.util.Map.of()), e));
        }
        boolean connect = match instanceof Router.Connect;
        RateLimiter limiter = connect ? context.admission().connect() : context.admission().http();
        RateLimiter.Verdict verdict = limiter.admit(head.client());
        if (!verdict.admitted()) {
            return new Refuse(match.route(), Problem.tooManyRequests(limiter.name(), verdict.retryAfterSeconds()));
        }
        if (head.malformedTarget()) {
            return new Respond(Router.UNMATCHED, Problem.of(400, "malformed request target"));
        }
        if (connect) {
            if (head.extendedConnect()) {
                return "websocket".equalsIgnoreCase(head.protocol()) ? new WebSocket(match.route())
                        : new Respond(match.route(), Problem.of(400, "the only :protocol served on /connect is websocket"));
            }
            ConnectMode mode = head.connectMode();
            return switch (mode) {
                case BINARY -> new Connect(match.route(), mode, t -> new ConnectBridge(t, context));
                case SSE, LONG_POLL -> BrowserConnect.plan(context, head, mode, match.route());
                case WEBSOCKET -> new WebSocket(match.route());
            };
        }
        if (match instanceof Router.BadParameter b) {
            return new Respond(b.route(), Problem.of(400, "path parameter '" + b.name() + "' is not valid percent-encoded UTF-8 or holds a control character"));
        }
        if (match instanceof Router.MethodNotAllowed m) {
            return new Respond(m.route(), Problem.methodNotAllowed(m.allowed()));
        }
        if (match instanceof Router.Endpoint e) {
            int limit = context.limits().maxRequestBody();
            if (head.contentLength().orElse(0) > limit) {
                return new Respond(e.route(), Problem.payloadTooLarge(limit));
            }
            return new Call(e.route(), e.endpoint(), e.params());
        }
        return new Respond(match.route(), Problem.notFound());
    }
}
