package io.commucat.ccp.server.cli;

/** Process exit statuses of {@code ccp}; the non-zero ones follow BSD {@code sysexits.h}. */
public final class ExitCodes {

    public static final int OK = 0;
    /** Any other failure (the server could not start, an unexpected error). */
    public static final int FAILURE = 1;
    /** Bad command line: unknown flag, missing argument (picocli's convention). */
    public static final int USAGE = 2;
    /** Bad configuration or data directory ({@code EX_CONFIG}). */
    public static final int CONFIG = 78;

    private ExitCodes() {
    }
}
