package io.commucat.ccp.server.datadir;

import java.nio.file.Path;

/**
 * A file in the data directory cannot be created or is not what it should be. The message
 * names the file and says what to do, e.g. {@code /var/ccp/tls-key.pem: not a PEM private key}.
 */
public final class DataDirectoryException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public DataDirectoryException(Path file, String reason) {
        this(file, reason, null);
    }

    public DataDirectoryException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** The file (or directory) at fault. */
    public Path file() {
        return file;
    }
}
