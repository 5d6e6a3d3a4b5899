package io.commucat.ccp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.ledger.FileLedger;
import io.commucat.ccp.ledger.FileLedgerConfig;
import io.commucat.ccp.ledger.FsyncPolicy;
import io.commucat.ccp.ledger.LedgerEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new CliContext(Map.of(), new PrintWriter(out), new PrintWriter(err),
                new PrintSettingsStarter(new PrintWriter(out))));
    }

    private List<Path> writeLedger(int events, long maxFileBytes) throws Exception {
        FileLedgerConfig config = FileLedgerConfig.defaults(tmp).withFsync(FsyncPolicy.NONE)
                .withRotation(maxFileBytes, Duration.ZERO);
        try (FileLedger ledger = FileLedger.open(config)) {
            for (int i = 1; i <= events; i++) {
                ledger.append(LedgerEvent.result("handshake", "success", Map.of("device", "dev-" + i)));
            }
        }
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    private static String[] verify(List<Path> files) {
        return Stream.concat(Stream.of("ledger", "verify"), files.stream().map(Path::toString)).toArray(String[]::new);
    }

    @Test
    void soundLedgerAcrossRotatedFilesIsOk() throws Exception {
        List<Path> files = writeLedger(20, 1_000);
        assertTrue(files.size() > 1, files.toString());
        assertEquals(ExitCodes.OK, run(verify(files)), err.toString());
        assertTrue(out.toString().startsWith("OK " + (20 + files.size() - 1) + " records"), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void tamperedLedgerFailsNamingTheLineAndWhy() throws Exception {
        Path file = writeLedger(5, 0).get(0);
        Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8).replace("dev-3", "dev-7"), StandardCharsets.UTF_8);
        assertEquals(LedgerCommand.BROKEN, run(verify(List.of(file))));
        assertEquals("ccp: ledger: " + file + ":3: EDITED: content does not match its hash", err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void missingFileFailsWithOneLine() {
        assertEquals(ExitCodes.FAILURE, run("ledger", "verify", tmp.resolve("none.jsonl").toString()));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("UNREADABLE: no such file"), err.toString());
    }

    @Test
    void verifyWithoutFilesIsAUsageError() {
        assertEquals(ExitCodes.USAGE, run("ledger", "verify"));
        assertTrue(err.toString().startsWith("ccp: "), err.toString());
    }
}
