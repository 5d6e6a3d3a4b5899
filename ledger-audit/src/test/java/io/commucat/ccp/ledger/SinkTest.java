package io.commucat.ccp.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkTest {

    @TempDir
    Path dir;

    @Test
    void stdoutLedgerWritesAVerifiableChainOnCommit() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdoutLedger ledger = new StdoutLedger(out, new ManualClock(Ledgers.T0));
        ledger.append(Ledgers.event(1));
        assertEquals(0, out.size(), "buffered until commit");
        ledger.append(Ledgers.event(2));
        ledger.commit();
        Path copy = dir.resolve("stdout.jsonl");
        Files.write(copy, out.toByteArray());
        assertEquals(2, Ledgers.ok(List.of(copy)).records());
    }

    @Test
    void nullLedgerCountsAndKeepsNothing() {
        NullLedger ledger = new NullLedger();
        ledger.append(Ledgers.event(1));
        assertEquals(2, ledger.append(Ledgers.event(2)).seq());
    }

    @Test
    void fileLedgerCreatesNumberedFilesAndALockFile() throws Exception {
        Ledgers.write(dir, 1);
        assertTrue(Files.exists(dir.resolve("audit-000001.jsonl")));
        assertTrue(Files.exists(dir.resolve("audit.lock")));
    }
}
