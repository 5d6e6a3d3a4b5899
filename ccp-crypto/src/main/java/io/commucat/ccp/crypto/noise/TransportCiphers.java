package io.commucat.ccp.crypto.noise;

import java.util.Locale;

/**
 * Which ChaChaPoly a Noise transport uses: Bouncy Castle's unless the system property
 * {@code ccp.crypto.chacha=jdk} asks for the JDK's ({@code bouncycastle} is the default; another
 * value is logged and ignored). Both produce the same bytes. The JDK's is intrinsified from JDK 20
 * on and seals 1 KiB 6× faster in a loop, yet whole relay runs on JDK 25 here did not show it
 * paying (docs/benchmarks.md), so it stays opt-in until a run does. Handshake messages always
 * use Bouncy Castle's.
 */
final class TransportCiphers {

    /** The property that picks the engine. */
    static final String PROPERTY = "ccp.crypto.chacha";

    /** The engines. */
    enum Engine {
        JDK,
        BOUNCY_CASTLE
    }

    private static final Engine DEFAULT = defaultEngine();

    private TransportCiphers() {
    }

    /** A cipher under {@code key} (32 bytes; the caller erases its own copy). */
    static TransportCipher create(byte[] key) {
        return create(DEFAULT, key);
    }

    static TransportCipher create(Engine engine, byte[] key) {
        return engine == Engine.JDK ? new JdkChaChaPoly(key) : new BcChaChaPoly(key);
    }

    /** The engine this JVM uses. */
    static Engine engine() {
        return DEFAULT;
    }

    private static Engine defaultEngine() {
        boolean available = JdkChaChaPoly.available();
        try {
            return choose(System.getProperty(PROPERTY), available);
        } catch (IllegalArgumentException e) {
            System.getLogger(TransportCiphers.class.getName()).log(System.Logger.Level.WARNING,
                    e.getMessage() + "; using bouncycastle");
            return Engine.BOUNCY_CASTLE;
        }
    }

    /** The engine for the property's value (null: unset); unknown values are refused. */
    static Engine choose(String property, boolean jdkAvailable) {
        if (property != null && !property.isBlank()) {
            return switch (property.trim().toLowerCase(Locale.ROOT)) {
                case "jdk" -> jdkAvailable ? Engine.JDK : Engine.BOUNCY_CASTLE;
                case "bouncycastle", "bc" -> Engine.BOUNCY_CASTLE;
                default -> throw new IllegalArgumentException(PROPERTY + " must be jdk or bouncycastle, not " + property);
            };
        }
        return Engine.BOUNCY_CASTLE;
    }
}
