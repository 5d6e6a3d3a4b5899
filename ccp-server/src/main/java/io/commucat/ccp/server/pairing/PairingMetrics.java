package io.commucat.ccp.server.pairing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ccp_pairing_codes_issued_total} and {@code ccp_pairing_claims_total{result}}. Every
 * result's counter exists from the start, so a scrape shows zeros rather than nothing.
 * Thread-safe.
 */
final class PairingMetrics {

    /** How a claim ended; the metric's {@code result} is the lower-case name. */
    enum ClaimResult {
        CLAIMED,
        UNKNOWN,
        EXPIRED,
        USED,
        LOCKED,
        BAD_PROOF,
        /** The device that issued the code was revoked since. */
        ISSUER_REVOKED,
        RATE_LIMITED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Counter issued;
    private final Map<ClaimResult, Counter> claims = new EnumMap<>(ClaimResult.class);

    PairingMetrics(MeterRegistry registry) {
        this.issued = Counter.builder("ccp.pairing.codes.issued")
                .description("Pairing codes issued (by devices and by admin enrolment)")
                .register(registry);
        for (ClaimResult result : ClaimResult.values()) {
            claims.put(result, Counter.builder("ccp.pairing.claims").tag("result", result.label())
                    .description("Pairing claims by result").register(registry));
        }
    }

    void issued() {
        issued.increment();
    }

    void claim(ClaimResult result) {
        claims.get(result).increment();
    }
}
