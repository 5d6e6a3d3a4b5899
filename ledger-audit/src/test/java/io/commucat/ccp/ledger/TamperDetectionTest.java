package io.commucat.ccp.ledger;

import static io.commucat.ccp.ledger.Ledgers.assertFailure;
import static io.commucat.ccp.ledger.Ledgers.failure;
import static io.commucat.ccp.ledger.Ledgers.lines;
import static io.commucat.ccp.ledger.Ledgers.ok;
import static io.commucat.ccp.ledger.Ledgers.rewrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TamperDetectionTest {

    @TempDir
    Path dir;

    private Path file;
    private List<byte[]> lines;

    @BeforeEach
    void writeSixRecords() throws Exception {
        file = Ledgers.write(dir, 6);
        lines = new ArrayList<>(lines(file));
    }

    private VerificationResult.Failure verifyAfterRewrite() throws Exception {
        rewrite(file, lines);
        return failure(List.of(file));
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }

    @Test
    void untouchedLedgerIsOkWithItsRecordCount() {
        VerificationResult.Ok ok = ok(List.of(file));
        assertEquals(6, ok.records());
        assertEquals(6, ok.head().seq());
        assertTrue(ok.acknowledged().isEmpty());
    }

    @Test
    void editedFieldIsNamed() throws Exception {
        lines.set(2, text(lines.get(2)).replace("dev-3", "dev-9").getBytes(StandardCharsets.UTF_8));
        assertFailure(verifyAfterRewrite(), file, 3, FailureKind.EDITED);
    }

    @Test
    void editedAndRehashedRecordBreaksTheLinkToTheNextLine() throws Exception {
        ObjectNode node = (ObjectNode) CanonicalJson.parse(lines.get(2));
        node.remove("hash");
        node.put("device", "dev-9");
        node.put("hash", RecordHash.of(CanonicalJson.bytes(node)));
        lines.set(2, CanonicalJson.bytes(node));
        VerificationResult.Failure failure = verifyAfterRewrite();
        assertFailure(failure, file, 4, FailureKind.EDITED);
        assertTrue(failure.message().contains("prev"), failure.message());
    }

    @Test
    void removedLineIsNamedWhereTheGapShows() throws Exception {
        lines.remove(2);
        VerificationResult.Failure failure = verifyAfterRewrite();
        assertFailure(failure, file, 3, FailureKind.REMOVED);
        assertTrue(failure.message().contains("from 2 to 4"), failure.message());
    }

    @Test
    void removedFirstLineIsNamed() throws Exception {
        lines.remove(0);
        assertFailure(verifyAfterRewrite(), file, 1, FailureKind.REMOVED);
    }

    @Test
    void insertedCopyOfAnEarlierRecordIsNamed() throws Exception {
        lines.add(4, lines.get(1));
        assertFailure(verifyAfterRewrite(), file, 5, FailureKind.INSERTED);
    }

    @Test
    void insertedForgedRecordWithAValidHashIsNamed() throws Exception {
        Chain forger = new Chain(new ChainHead(3, "ab".repeat(32)));
        lines.add(3, Ledgers.lineWithoutNewline(forger.seal(LedgerEvent.action("admin", "grant", Map.of("user", "eve")),
                Ledgers.T0)));
        assertFailure(verifyAfterRewrite(), file, 4, FailureKind.INSERTED);
    }

    @Test
    void swappedLinesAreNamedAsReordered() throws Exception {
        Collections.swap(lines, 2, 3);
        assertFailure(verifyAfterRewrite(), file, 3, FailureKind.REORDERED);
    }

    @Test
    void lineMovedFurtherDownIsNamedAsReordered() throws Exception {
        lines.add(4, lines.remove(1));
        assertFailure(verifyAfterRewrite(), file, 2, FailureKind.REORDERED);
    }

    @Test
    void lastLineCutMidJsonIsTruncated() throws Exception {
        byte[] all = Files.readAllBytes(file);
        int lastLength = lines.get(5).length;
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 1 - lastLength / 2));
        assertFailure(failure(List.of(file)), file, 6, FailureKind.TRUNCATED);
    }

    @Test
    void garbageLineIsUnparsable() throws Exception {
        lines.set(1, "not a record at all".getBytes(StandardCharsets.UTF_8));
        assertFailure(verifyAfterRewrite(), file, 2, FailureKind.UNPARSABLE);
    }

    @Test
    void emptyLineIsUnparsable() throws Exception {
        lines.add(2, new byte[0]);
        assertFailure(verifyAfterRewrite(), file, 3, FailureKind.UNPARSABLE);
    }

    @Test
    void jsonThatIsNotARecordIsMalformed() throws Exception {
        lines.set(4, "{\"seq\":5,\"scope\":\"handshake\"}".getBytes(StandardCharsets.UTF_8));
        assertFailure(verifyAfterRewrite(), file, 5, FailureKind.MALFORMED);
    }

    @Test
    void reformattedLineIsEditedEvenThoughItsContentStillHashes() throws Exception {
        lines.set(3, text(lines.get(3)).replace(",", ", ").getBytes(StandardCharsets.UTF_8));
        VerificationResult.Failure failure = verifyAfterRewrite();
        assertFailure(failure, file, 4, FailureKind.EDITED);
        assertTrue(failure.message().contains("canonical"), failure.message());
    }

    @Test
    void flippingAnyBitOfAnyByteNamesItsLine() throws Exception {
        byte[] original = Files.readAllBytes(file);
        for (int mask : new int[] {0x01, 0x80}) {
            int line = 1;
            for (int offset = 0; offset < original.length; offset++) {
                byte[] tampered = original.clone();
                tampered[offset] ^= (byte) mask;
                Files.write(file, tampered);
                VerificationResult result = new LedgerVerifier().verify(List.of(file));
                String where = "offset " + offset + " mask " + mask + ": " + result;
                assertTrue(result instanceof VerificationResult.Failure, where);
                assertEquals(line, ((VerificationResult.Failure) result).line(), where);
                if (original[offset] == '\n') {
                    line++;
                }
            }
        }
    }

    @Test
    void cleanlyRemovedLastLineShowsOnlyInTheHead() throws Exception {
        ChainHead before = ok(List.of(file)).head();
        lines.remove(5);
        rewrite(file, lines);
        // A chain cannot show its own end was cut; a head written down elsewhere can.
        assertNotEquals(before, ok(List.of(file)).head());
    }

    @Test
    void messagesNeverQuoteTheLine() throws Exception {
        lines.set(1, "{\"seq\":2,\"prev\":\"x\",\"hash\":\"<script>\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(!verifyAfterRewrite().message().contains("<script>"));
    }
}
