package io.commucat.ccp.server.datadir;

import io.commucat.ccp.server.config.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A 32-byte secret seed stored as 64 lower-case hex digits and a newline: readable with
 * {@code cat}, easy to back up, and a truncated or edited file is detected on load.
 */
final class SeedFile {

    static final int LENGTH = 32;

    private SeedFile() {
    }

    /** Reads the seed, creating it (0600) from fresh randomness when absent. */
    static SecretBytes loadOrCreate(Path file, SecureRandom random, FileLog log) throws DataDirectoryException {
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] seed = new byte[LENGTH];
        random.nextBytes(seed);
        try {
            PrivateFiles.writeNew(file, (HexFormat.of().formatHex(seed) + "\n").getBytes(StandardCharsets.US_ASCII), true);
        } catch (IOException e) {
            throw new DataDirectoryException(file, "cannot create (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        log.created(file);
        return SecretBytes.of(seed);
    }

    private static SecretBytes read(Path file) throws DataDirectoryException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new DataDirectoryException(file, "cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (text.length() != 2 * LENGTH || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new DataDirectoryException(file, "corrupt: expected " + 2 * LENGTH
                    + " hex digits (a 32-byte seed); restore it from a backup (deleting it makes a new key)");
        }
        return SecretBytes.of(HexFormat.of().parseHex(text));
    }
}
