package io.commucat.ccp.ledger;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a ledger file as raw byte lines, keeping what text readers hide: whether the last line
 * ended with '\n' (a cut-short write does not), and the exact bytes (the canonical-form check).
 */
final class LineReader implements Closeable {

    /** Longer lines are garbage, not records; they are skipped over instead of held in memory. */
    static final int MAX_LINE_BYTES = 1 << 20;

    record Line(byte[] bytes, boolean terminated, boolean oversized) {
    }

    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);

    LineReader(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** The next line without its '\n', or {@code null} at the end of the file. */
    Line next() throws IOException {
        buffer.reset();
        boolean oversized = false;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return new Line(buffer.toByteArray(), true, oversized);
            }
            if (buffer.size() < MAX_LINE_BYTES) {
                buffer.write(b);
            } else {
                oversized = true;
            }
        }
        return buffer.size() == 0 && !oversized ? null : new Line(buffer.toByteArray(), false, oversized);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
