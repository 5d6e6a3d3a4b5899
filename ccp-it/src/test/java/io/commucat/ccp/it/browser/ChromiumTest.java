package io.commucat.ccp.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The browser the real-browser tests rely on starts here, headless, and renders a page. */
class ChromiumTest {

    @Test
    void headlessChromiumRendersAPageAndTakesAScreenshot() throws Exception {
        try (Chromium chromium = Chromium.start()) {
            chromium.driver().get("data:text/html,<title>ccp</title><h1>hello</h1>");
            assertEquals("ccp", chromium.driver().getTitle());
            Path png = chromium.screenshot(Path.of("target", "browser", "chromium-smoke.png"));
            assertTrue(Files.size(png) > 0);
        }
    }
}
