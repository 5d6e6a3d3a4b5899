package io.commucat.ccp.server.cli;

/** A started server, as {@link ServerStarter} returns it; {@code serve} waits on it. */
public interface RunningServer extends AutoCloseable {

    /** The port actually listened on (differs from the configured one when that is 0). */
    int port();

    /** Blocks until the server has stopped. */
    void awaitTermination() throws InterruptedException;

    /** Stops the server; idempotent. Called from the JVM's shutdown hook on Ctrl-C / SIGTERM. */
    @Override
    void close();
}
