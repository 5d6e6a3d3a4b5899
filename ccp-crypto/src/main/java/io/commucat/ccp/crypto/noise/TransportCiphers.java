package io.commucat.ccp.crypto.noise;

import java.util.Locale;

/**
 * Which ChaChaPoly a Noise transport uses: the JDK's where it is intrinsified (JDK 20 and later:
 * about 6× faster for 1 KiB records), Bouncy Castle's elsewhere (on JDK 17 the JDK's is pure Java
 * too and no faster). Both produce the same bytes. The system property
 * {@code ccp.crypto.chacha} ({@code jdk} or {@code bouncycastle}) overrides the choice; another
 * value is logged and ignored. Handshake messages keep Bouncy Castle's (they are short).
 */
final class TransportCiphers {

    /** The property that picks the engine. */
    static final String PROPERTY = "ccp.crypto.chacha";
    /** The first JDK whose ChaCha20 and Poly1305 have intrinsics (JDK-8247645, JDK-8288047). */
    static final int INTRINSIC_FEATURE_RELEASE = 20;

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
        int release = Runtime.version().feature();
        boolean available = JdkChaChaPoly.available();
        try {
            return choose(System.getProperty(PROPERTY), release, available);
        } catch (IllegalArgumentException e) {
            System.getLogger(TransportCiphers.class.getName()).log(System.Logger.Level.WARNING,
                    e.getMessage() + "; choosing by JDK release instead");
            return choose(null, release, available);
        }
    }

    /** The engine for the property's value (null: unset) on this JDK; unknown values are refused. */
    static Engine choose(String property, int featureRelease, boolean jdkAvailable) {
        if (property != null && !property.isBlank()) {
            return switch (property.trim().toLowerCase(Locale.ROOT)) {
                case "jdk" -> jdkAvailable ? Engine.JDK : Engine.BOUNCY_CASTLE;
                case "bouncycastle", "bc" -> Engine.BOUNCY_CASTLE;
                default -> throw new IllegalArgumentException(PROPERTY + " must be jdk or bouncycastle, not " + property);
            };
        }
        return jdkAvailable && featureRelease >= INTRINSIC_FEATURE_RELEASE ? Engine.JDK : Engine.BOUNCY_CASTLE;
    }
}
