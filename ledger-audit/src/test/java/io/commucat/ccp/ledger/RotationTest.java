package io.commucat.ccp.ledger;

import static io.commucat.ccp.ledger.Ledgers.assertFailure;
import static io.commucat.ccp.ledger.Ledgers.failure;
import static io.commucat.ccp.ledger.Ledgers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotationTest {

    @TempDir
    Path dir;

    private List<Path> files() throws Exception {
        return LedgerFiles.list(dir, "audit");
    }

    private static JsonNode firstRecord(Path file) throws Exception {
        return CanonicalJson.parse(Ledgers.lines(file).get(0));
    }

    @Test
    void sizeRotationKeepsTheChainAcrossFiles() throws Exception {
        Ledgers.append(Ledgers.config(dir).withRotation(2_000, Duration.ZERO), 50);
        List<Path> files = files();
        assertTrue(files.size() >= 3, files.toString());
        // 50 events plus one rotation record at the top of every file after the first.
        assertEquals(50 + files.size() - 1, ok(files).records());
        for (Path file : files) {
            assertTrue(Files.size(file) < 2_000 + 400, file + " is " + Files.size(file) + " bytes");
        }
    }

    @Test
    void firstRecordOfARotatedFileNamesThePreviousFile() throws Exception {
        Ledgers.append(Ledgers.config(dir).withRotation(2_000, Duration.ZERO), 30);
        List<Path> files = files();
        for (int i = 1; i < files.size(); i++) {
            JsonNode first = firstRecord(files.get(i));
            assertEquals("ledger", first.get("scope").asText());
            assertEquals("rotate", first.get("action").asText());
            assertEquals(files.get(i - 1).getFileName().toString(), first.get("previous_file").asText());
        }
    }

    @Test
    void timeRotationStartsANewFileOnceTheFirstRecordIsOldEnough() throws Exception {
        ManualClock clock = new ManualClock(Ledgers.T0);
        FileLedgerConfig config = Ledgers.config(dir).withClock(clock).withRotation(0, Duration.ofHours(1));
        try (FileLedger ledger = FileLedger.open(config)) {
            for (int i = 1; i <= 12; i++) {
                ledger.append(Ledgers.event(i));
                clock.advance(Duration.ofMinutes(20));
            }
        }
        // Records at 0, 20, 40 min go to a file; the one at 60 min opens the next: 4 files.
        List<Path> files = files();
        assertEquals(4, files.size(), files.toString());
        assertEquals(12 + 3, ok(files).records());
    }

    @Test
    void timeRotationCountsFromTheFirstRecordAcrossARestart() throws Exception {
        ManualClock clock = new ManualClock(Ledgers.T0);
        FileLedgerConfig config = Ledgers.config(dir).withClock(clock).withRotation(0, Duration.ofHours(1));
        Ledgers.append(config, 1);
        clock.advance(Duration.ofMinutes(61));
        Ledgers.append(config, 1);
        assertEquals(2, files().size());
    }

    @Test
    void missingMiddleFileIsNamedInTheNextFile() throws Exception {
        Ledgers.append(Ledgers.config(dir).withRotation(1_000, Duration.ZERO), 30);
        List<Path> files = new ArrayList<>(files());
        Path removed = files.remove(1);
        assertTrue(files.size() >= 2);
        VerificationResult.Failure failure = failure(files);
        assertEquals(files.get(1), failure.file(), failure.toString() + " after removing " + removed);
        assertEquals(1, failure.line());
    }

    @Test
    void filesGivenOutOfOrderAreReordered() throws Exception {
        Ledgers.append(Ledgers.config(dir).withRotation(1_000, Duration.ZERO), 30);
        List<Path> files = new ArrayList<>(files());
        Collections.swap(files, 1, 2);
        assertFailure(failure(files), files.get(1), 1, FailureKind.REORDERED);
    }

    @Test
    void verifyingFromAMiddleFileReportsWhereTheChainContinuesFrom() throws Exception {
        Ledgers.append(Ledgers.config(dir).withRotation(1_000, Duration.ZERO), 30);
        List<Path> files = files();
        VerificationResult.Ok ok = ok(files.subList(1, files.size()));
        assertEquals(files.get(0).getFileName().toString(), ok.continuesFrom());
    }

    @Test
    void verifyDirectoryWalksTheFilesInNumericOrder() throws Exception {
        Ledgers.append(Ledgers.config(dir).withRotation(1_000, Duration.ZERO), 30);
        VerificationResult result = new LedgerVerifier().verifyDirectory(dir, "audit");
        assertTrue(result.ok(), result.toString());
    }
}
