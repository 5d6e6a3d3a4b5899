package io.commucat.ccp.server.demo;

import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestEndpoint;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.http.rest.RouteSet;
import io.commucat.ccp.server.http.rest.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /demo} and {@code GET /demo/{asset}} (public): the browser demo page and the
 * JavaScript client it runs, as the {@code ccp-js} module packages them on the classpath under
 * {@value #RESOURCES}. The few files are read once, when the node starts, and served from memory
 * on the event loop; only the names in {@link #ASSETS} are served, so a path never reaches the
 * class loader.
 *
 * <p>Every answer carries a content security policy that allows scripts and connections to this
 * origin only: the page talks to the REST API and {@code /connect} of the server that served it.
 */
public final class DemoPage implements RouteSet {

    /** Where {@code ccp-js/pom.xml} puts the page and the bundle. */
    public static final String RESOURCES = "io/commucat/ccp/demo/";
    /** The files of the page; {@code index.html} is also {@code /demo} itself. */
    static final List<String> ASSETS = List.of("index.html", "demo.css", "demo.js", "ccp.js");

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, RestResponse> assets;

    private DemoPage(Map<String, RestResponse> assets) {
        this.assets = assets;
    }

    /** The page as this build packaged it; fails the node's start if a file is missing. */
    public static DemoPage fromClasspath() {
        return fromClasspath(DemoPage.class.getClassLoader(), RESOURCES);
    }

    static DemoPage fromClasspath(ClassLoader loader, String base) {
        Map<String, RestResponse> assets = new LinkedHashMap<>();
        for (String name : ASSETS) {
            try (InputStream in = loader.getResourceAsStream(base + name)) {
                if (in == null) {
                    throw new IllegalStateException("the demo page's " + name + " is not on the classpath (" + base + name
                            + "); the ccp-js module's build puts it there");
                }
                assets.put(name, asset(contentType(name), in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the demo page's " + name, e);
            }
        }
        return new DemoPage(Map.copyOf(assets));
    }

    @Override
    public void register(Router.Builder routes) {
        RestEndpoint index = served("index.html");
        routes.get("/demo", index);
        routes.get("/demo/", index);
        routes.get("/demo/{asset}", request -> CompletableFuture.completedFuture(
                assets.getOrDefault(request.param("asset"), Problem.notFound())));
    }

    private RestEndpoint served(String name) {
        RestResponse response = assets.get(name);
        return request -> CompletableFuture.completedFuture(response);
    }

    private static RestResponse asset(String contentType, byte[] bytes) {
        return new RestResponse(200, contentType, bytes, Map.of(
                "content-security-policy", CONTENT_SECURITY_POLICY,
                "x-content-type-options", "nosniff",
                "referrer-policy", "no-referrer"));
    }

    static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type for " + name);
    }
}
