package io.commucat.ccp.cli;

/** A command's failure of its own (not the SDK's): one line on stderr and an {@link ExitStatus}. */
final class CliFailure extends RuntimeException {

    private final int status;

    CliFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
