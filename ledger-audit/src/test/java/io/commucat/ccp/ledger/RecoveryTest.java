package io.commucat.ccp.ledger;

import static io.commucat.ccp.ledger.Ledgers.assertFailure;
import static io.commucat.ccp.ledger.Ledgers.failure;
import static io.commucat.ccp.ledger.Ledgers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

    @TempDir
    Path dir;

    private List<Path> files() throws Exception {
        return LedgerFiles.list(dir, "audit");
    }

    /** What a crash in the middle of write(2) leaves: part of a record and no newline. */
    private static void crashMidWrite(Path file) throws Exception {
        Files.write(file, "{\"action\":\"grant\",\"hash\":\"3f".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    }

    @Test
    void reopeningASoundLedgerContinuesTheChainInTheSameFile() throws Exception {
        Path file = Ledgers.write(dir, 5);
        try (FileLedger ledger = FileLedger.open(Ledgers.config(dir))) {
            assertEquals(6, ledger.append(Ledgers.event(6)).seq());
            assertTrue(ledger.damageFound().isEmpty());
        }
        assertEquals(List.of(file), files());
        assertEquals(6, ok(files()).records());
    }

    @Test
    void crashMidWriteIsDetectedAsTruncated() throws Exception {
        Path file = Ledgers.write(dir, 5);
        crashMidWrite(file);
        assertFailure(failure(List.of(file)), file, 6, FailureKind.TRUNCATED);
    }

    @Test
    void crashMidWriteIsKeptAndTheChainGoesOnInANewFileThatNamesTheDamage() throws Exception {
        Path damaged = Ledgers.write(dir, 5);
        crashMidWrite(damaged);
        byte[] kept = Files.readAllBytes(damaged);
        try (FileLedger ledger = FileLedger.open(Ledgers.config(dir))) {
            AcknowledgedDamage damage = ledger.damageFound().orElseThrow();
            assertEquals(6, damage.line());
            assertEquals(FailureKind.TRUNCATED, damage.kind());
            assertEquals(7, ledger.append(Ledgers.event(7)).seq(), "seq 6 is the recover record");
        }
        List<Path> files = files();
        assertEquals(2, files.size());
        assertTrue(java.util.Arrays.equals(kept, Files.readAllBytes(damaged)), "the damaged file is left untouched");
        JsonNode first = CanonicalJson.parse(Ledgers.lines(files.get(1)).get(0));
        assertEquals("recover", first.get("action").asText());
        assertEquals(damaged.getFileName().toString(), first.get("previous_file").asText());
        assertEquals(6, first.get("damaged_line").asLong());
        assertEquals("TRUNCATED", first.get("damage").asText());
    }

    @Test
    void recoveredChainVerifiesAndReportsTheAcknowledgedDamage() throws Exception {
        Path damaged = Ledgers.write(dir, 5);
        crashMidWrite(damaged);
        Ledgers.append(Ledgers.config(dir), 3);
        VerificationResult.Ok ok = ok(files());
        assertEquals(5 + 1 + 3, ok.records());
        assertEquals(1, ok.acknowledged().size());
        AcknowledgedDamage damage = ok.acknowledged().get(0);
        assertEquals(damaged, damage.file());
        assertEquals(6, damage.line());
        assertEquals(FailureKind.TRUNCATED, damage.kind());
    }

    @Test
    void editedTailIsRecoveredFromTheLastGoodRecord() throws Exception {
        Path damaged = Ledgers.write(dir, 5);
        List<byte[]> lines = Ledgers.lines(damaged);
        lines.set(3, new String(lines.get(3), StandardCharsets.UTF_8).replace("dev-4", "dev-0").getBytes(StandardCharsets.UTF_8));
        Ledgers.rewrite(damaged, lines);
        try (FileLedger ledger = FileLedger.open(Ledgers.config(dir))) {
            assertEquals(FailureKind.EDITED, ledger.damageFound().orElseThrow().kind());
            assertEquals(4, ledger.head().seq(), "continues after seq 3, with the recover record as seq 4");
        }
        assertEquals(3 + 1, ok(files()).records());
    }

    @Test
    void recoverRecordThatDoesNotNameTheDamageDoesNotExcuseIt() throws Exception {
        Path damaged = Ledgers.write(dir, 5);
        crashMidWrite(damaged);
        Ledgers.append(Ledgers.config(dir), 1);
        List<Path> files = files();
        List<byte[]> lines = Ledgers.lines(files.get(1));
        lines.set(0, new String(lines.get(0), StandardCharsets.UTF_8).replace("\"damaged_line\":6", "\"damaged_line\":7")
                .getBytes(StandardCharsets.UTF_8));
        Ledgers.rewrite(files.get(1), lines);
        assertFailure(failure(files), damaged, 6, FailureKind.TRUNCATED);
    }

    @Test
    void emptyFileLeftByACrashAtRotationGetsItsRotationRecord() throws Exception {
        Path first = Ledgers.write(dir, 3);
        Files.createFile(LedgerFiles.path(dir, "audit", 2));
        Ledgers.append(Ledgers.config(dir), 2);
        List<Path> files = files();
        assertEquals(2, files.size());
        JsonNode rotate = CanonicalJson.parse(Ledgers.lines(files.get(1)).get(0));
        assertEquals(first.getFileName().toString(), rotate.get("previous_file").asText());
        assertEquals(3 + 1 + 2, ok(files).records());
    }

    @Test
    void secondWriterOnTheSameDirectoryIsRefused() throws Exception {
        try (FileLedger ledger = FileLedger.open(Ledgers.config(dir))) {
            LedgerException e = assertThrows(LedgerException.class, () -> FileLedger.open(Ledgers.config(dir)));
            assertEquals(LedgerException.Kind.IN_USE, e.kind());
            assertEquals(1, ledger.append(Ledgers.event(1)).seq(), "the first holder goes on");
        }
    }
}
