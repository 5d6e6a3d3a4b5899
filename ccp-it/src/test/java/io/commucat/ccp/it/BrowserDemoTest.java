package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.Enrolment;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.it.browser.Chromium;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in a real headless Chromium, once per browser transport (forced with
 * {@code ?transport=}): the browser pairs with a code an SDK device issued, connects, and the two
 * exchange messages; a reload resumes the session and receives what arrived while the page was
 * gone. A screenshot of each run is kept in {@code ccp-it/target/browser/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class BrowserDemoTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private TestServer server;

    @BeforeAll
    void startNode() throws Exception {
        server = TestServer.start(dir, Map.of());
    }

    @AfterAll
    void stopNode() {
        if (server != null) {
            server.close();
        }
    }

    /** Messages the SDK device received. */
    private static final class Inbox implements SessionListener {
        final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(IncomingMessage message) {
            messages.add(message);
        }

        String next() throws InterruptedException {
            IncomingMessage message = messages.poll(20, TimeUnit.SECONDS);
            assertNotNull(message, "the SDK device received nothing within 20 s");
            return new String(message.payload(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"websocket", "sse", "long-poll"})
    void aBrowserPairsConnectsExchangesMessagesAndResumesAfterAReload(String transport) throws Exception {
        long channel = ThreadLocalRandom.current().nextLong(1, 1L << 31);
        Inbox inbox = new Inbox();
        try (CcpClient device = server.client("sdk-" + transport + ".json"); Chromium chromium = Chromium.start()) {
            Enrolment sdk = device.register("demo-" + transport + "-" + System.nanoTime()).join();
            String code = device.issuePairingCode().join().code();
            WebDriver page = chromium.driver();
            String url = server.uri() + "/demo?transport=" + transport;
            page.get(url);
            WebDriverWait wait = new WebDriverWait(page, WAIT);
            wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));

            // Pair with the SDK device's code, then connect over the forced transport.
            page.findElement(By.id("code")).sendKeys(code);
            page.findElement(By.id("pair")).click();
            String browserDevice = wait.until(d -> {
                String id = d.findElement(By.id("device-id")).getText();
                return id.isBlank() ? null : id;
            });
            page.findElement(By.id("connect")).click();
            awaitConnected(chromium, wait);
            assertEquals(transport, page.findElement(By.id("transport")).getText());

            CcpSession session = device.connect(inbox).join();
            session.join(channel, List.of(browserDevice)).join();
            fill(page, "channel", Long.toString(channel));
            fill(page, "members", sdk.deviceId());
            page.findElement(By.id("join")).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("send")));

            // Browser → SDK, then SDK → browser.
            page.findElement(By.id("message")).sendKeys("hello from " + transport);
            page.findElement(By.id("send")).click();
            assertEquals("hello from " + transport, inbox.next());
            session.send(channel, ("hello browser over " + transport).getBytes(StandardCharsets.UTF_8)).join();
            waitForMessage(wait, "hello browser over " + transport);
            chromium.screenshot(Path.of("target", "browser", "demo-" + transport + ".png"));

            // The page goes away; what the SDK device sends meanwhile arrives after the reload.
            page.get("about:blank");
            session.send(channel, ("while you were away (" + transport + ")").getBytes(StandardCharsets.UTF_8)).join();
            page.get(url);
            awaitConnected(chromium, wait);
            waitForMessage(wait, "while you were away (" + transport + ")");
            Path shot = chromium.screenshot(Path.of("target", "browser", "demo-" + transport + "-resumed.png"));
            assertTrue(Files.size(shot) > 0);
            session.close();
        }
    }

    /** Waits for the page to say it is connected; a timeout says what the page showed instead. */
    private static void awaitConnected(Chromium chromium, WebDriverWait wait) {
        WebDriver page = chromium.driver();
        try {
            wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "connected"));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the page did not connect; it shows: status '"
                    + page.findElement(By.id("status")).getText() + "', error '"
                    + page.findElement(By.id("error")).getDomProperty("textContent") + "', log "
                    + page.findElement(By.id("messages")).getText().replace('\n', '|') + ", console:\n" + chromium.console(), e);
        }
    }

    private static void fill(WebDriver page, String id, String value) {
        WebElement field = page.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private static void waitForMessage(WebDriverWait wait, String text) {
        wait.until(d -> d.findElements(By.cssSelector("#messages li.theirs")).stream()
                .anyMatch(li -> li.getText().contains(text)));
    }
}
