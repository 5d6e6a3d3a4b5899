package io.commucat.ccp.cli;

/** Exit statuses of {@code ccp-cli}; as {@code ccp admin}'s, the non-zero ones past 2 follow BSD {@code sysexits.h}. */
final class ExitStatus {

    static final int OK = 0;
    /** The server refused, there is no identity, the session ended ...: one line on stderr says why. */
    static final int FAILURE = 1;
    /** A bad command line (picocli's convention). */
    static final int USAGE = 2;
    /** The server could not be reached ({@code EX_UNAVAILABLE}). */
    static final int UNAVAILABLE = 69;
    /** No answer in time, or fewer messages than asked for ({@code EX_TEMPFAIL}). */
    static final int TIMEOUT = 75;

    private ExitStatus() {
    }
}
