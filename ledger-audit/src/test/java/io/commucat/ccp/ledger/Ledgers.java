package io.commucat.ccp.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: write small ledgers, and read and rewrite their lines as raw bytes. */
final class Ledgers {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private Ledgers() {
    }

    static LedgerEvent event(int i) {
        return LedgerEvent.result("handshake", i % 3 == 0 ? "failure" : "success",
                Map.of("stage", "hello", "device", "dev-" + i, "remote", "198.51.100." + (i % 250)));
    }

    static FileLedgerConfig config(Path dir) {
        return FileLedgerConfig.defaults(dir).withFsync(FsyncPolicy.NONE).withClock(new ManualClock(T0));
    }

    /** Writes {@code n} events into a fresh ledger in {@code dir}; returns its single file. */
    static Path write(Path dir, int n) throws Exception {
        try (FileLedger ledger = FileLedger.open(config(dir))) {
            for (int i = 1; i <= n; i++) {
                ledger.append(event(i));
            }
            ledger.commit();
            return ledger.currentFile();
        }
    }

    static void append(FileLedgerConfig config, int n) throws Exception {
        try (FileLedger ledger = FileLedger.open(config)) {
            for (int i = 1; i <= n; i++) {
                ledger.append(event(i));
            }
        }
    }

    /** The lines of a file, each without its '\n'; a last line without one is kept as is. */
    static List<byte[]> lines(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(java.util.Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start < all.length) {
            lines.add(java.util.Arrays.copyOfRange(all, start, all.length));
        }
        return lines;
    }

    /** Writes lines back, each followed by '\n'. */
    static void rewrite(Path file, List<byte[]> lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            out.writeBytes(line);
            out.write('\n');
        }
        Files.write(file, out.toByteArray());
    }

    static VerificationResult.Failure failure(List<Path> files) {
        return assertInstanceOf(VerificationResult.Failure.class, new LedgerVerifier().verify(files));
    }

    static VerificationResult.Ok ok(List<Path> files) {
        VerificationResult result = new LedgerVerifier().verify(files);
        return assertInstanceOf(VerificationResult.Ok.class, result, result::toString);
    }

    static void assertFailure(VerificationResult.Failure failure, Path file, long line, FailureKind kind) {
        assertEquals(file + ":" + line + ": " + kind, failure.file() + ":" + failure.line() + ": " + failure.kind(),
                failure.toString());
    }

    static byte[] lineWithoutNewline(SealedRecord record) {
        return java.util.Arrays.copyOf(record.line(), record.line().length - 1);
    }
}
