package io.commucat.ccp.proto;

import java.util.Collection;
import java.util.List;

/** Version negotiation (spec §2.2, §3.1). */
public final class ProtocolVersions {

    /** Versions this implementation speaks, highest last. */
    public static final List<Integer> SUPPORTED = List.of(1);

    /** The version a Hello that names none speaks. */
    public static final int DEFAULT = 1;

    private ProtocolVersions() {
    }

    /**
     * The highest version in both {@code peer} and {@link #SUPPORTED}.
     *
     * @throws NegotiationException when there is none
     */
    public static int negotiate(Collection<? extends Number> peer) throws NegotiationException {
        int best = -1;
        for (Number n : peer) {
            if (n == null) {
                continue;
            }
            long v = n.longValue();
            if (v == n.doubleValue() && SUPPORTED.contains((int) v) && v == (int) v && v > best) {
                best = (int) v;
            }
        }
        if (best < 0) {
            throw new NegotiationException(NegotiationException.Kind.NO_COMMON_VERSION,
                    "no common protocol version; supported: " + SUPPORTED);
        }
        return best;
    }

    /**
     * Negotiates from a Hello's fields (spec §3.1): {@code supported_versions} when present,
     * else {@code protocol_version}, which must then be supported, else {@link #DEFAULT}.
     *
     * @param supportedVersions the peer's list, or {@code null} when absent
     * @param protocolVersion the peer's single version, or {@code null} when absent
     */
    public static int negotiate(Collection<? extends Number> supportedVersions, Number protocolVersion)
            throws NegotiationException {
        if (supportedVersions != null) {
            return negotiate(supportedVersions);
        }
        if (protocolVersion != null) {
            long v = protocolVersion.longValue();
            if (v == protocolVersion.doubleValue() && v == (int) v && SUPPORTED.contains((int) v)) {
                return (int) v;
            }
            throw new NegotiationException(NegotiationException.Kind.UNSUPPORTED_VERSION,
                    "unsupported protocol version; supported: " + SUPPORTED);
        }
        return DEFAULT;
    }
}
