package io.commucat.ccp.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * File names of a rotated ledger: {@code <prefix>-000001.jsonl}, {@code <prefix>-000002.jsonl},
 * ...; the highest number is the current file. Files are never renamed (a rename plus a crash
 * would be one more state to recover), and the zero padding makes a shell glob list them oldest
 * first, the order {@code ccp ledger verify} wants.
 */
final class LedgerFiles {

    private LedgerFiles() {
    }

    static Path path(Path directory, String prefix, long index) {
        return directory.resolve(String.format("%s-%06d.jsonl", prefix, index));
    }

    /** The ledger files in {@code directory}, oldest first. */
    static List<Path> list(Path directory, String prefix) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        Pattern pattern = pattern(prefix);
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> pattern.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(p -> index(p, prefix)))
                    .toList();
        }
    }

    static long index(Path file, String prefix) {
        Matcher m = pattern(prefix).matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a ledger file name: " + file.getFileName());
        }
        return Long.parseLong(m.group(1));
    }

    private static Pattern pattern(String prefix) {
        return Pattern.compile(Pattern.quote(prefix) + "-(\\d{6,18})\\.jsonl");
    }
}
