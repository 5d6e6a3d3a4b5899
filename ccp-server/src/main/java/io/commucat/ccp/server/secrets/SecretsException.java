package io.commucat.ccp.server.secrets;

/** A stored secret cannot be used (wrong at-rest key, damaged). Fatal at start. */
public final class SecretsException extends Exception {

    public SecretsException(String message) {
        super(message);
    }

    public SecretsException(String message, Throwable cause) {
        super(message, cause);
    }
}
