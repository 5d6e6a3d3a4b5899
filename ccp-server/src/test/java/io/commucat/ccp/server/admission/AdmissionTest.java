package io.commucat.ccp.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A node's limits as the default configuration makes them. The pairing limiter has no endpoint
 * yet (issue 16 adds {@code POST /api/pair/claim}, which asks it first): it is tested here.
 */
class AdmissionTest {

    static final ClientAddress CLIENT = new ClientAddress(0xc0000207L, false);

    final AtomicLong nanos = new AtomicLong();
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Admission admission = Admission.configured(ConfigLoader.defaults().rateLimits(), metrics, nanos::get);

    @Test
    void theSixthPairingClaimInAMinuteIsTooManyRequestsForTheTwoMinutePenalty() {
        RateLimiter pairing = admission.pairing();
        for (int i = 0; i < 5; i++) {
            nanos.addAndGet(Duration.ofSeconds(10).toNanos());
            assertTrue(pairing.admit(CLIENT).admitted(), "claim " + (i + 1));
        }
        RateLimiter.Verdict refused = pairing.admit(CLIENT);
        assertFalse(refused.admitted());

        RestResponse response = Problem.tooManyRequests(pairing.name(), refused.retryAfterSeconds());
        assertEquals(429, response.status());
        assertEquals("120", response.headers().get("retry-after"));
        assertEquals(Problem.CONTENT_TYPE, response.contentType());
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("\"title\":\"TooManyRequests\""));
        assertTrue(metrics.scrape().contains("ccp_rate_limited_total{limit=\"pairing\"} 1.0"), metrics.scrape());

        nanos.addAndGet(Duration.ofSeconds(120).toNanos());
        assertTrue(pairing.admit(CLIENT).admitted(), "after the penalty");
    }

    @Test
    void theDefaultsAreRestMdsAndFiveRegistrationsAnHour() {
        for (int i = 0; i < 60; i++) {
            assertTrue(admission.http().admit(CLIENT).admitted());
        }
        assertEquals(10, admission.http().admit(CLIENT).retryAfterSeconds());
        for (int i = 0; i < 20; i++) {
            assertTrue(admission.connect().admit(CLIENT).admitted());
        }
        assertEquals(30, admission.connect().admit(CLIENT).retryAfterSeconds());
        for (int i = 0; i < 5; i++) {
            assertTrue(admission.registrations().admit(CLIENT).admitted());
        }
        assertEquals(3600, admission.registrations().admit(CLIENT).retryAfterSeconds());
        assertEquals(256, admission.connections().maxPerAddress());
        assertEquals(65_536, admission.http().capacity());
    }

    @Test
    void eachLimitCountsItsOwnAttempts() {
        for (int i = 0; i < 20; i++) {
            admission.connect().admit(CLIENT);
        }
        assertTrue(admission.http().admit(CLIENT).admitted(), "/connect streams do not use up the REST burst");
        assertTrue(admission.pairing().admit(CLIENT).admitted());
    }
}
