package io.commucat.ccp.server.pairing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PairCodeTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void alphabetHas31SymbolsWithoutLookAlikes() {
        assertEquals(31, PairCode.ALPHABET.length());
        assertEquals(31, PairCode.ALPHABET.chars().distinct().count());
        for (char c : "ILO01".toCharArray()) {
            assertTrue(PairCode.ALPHABET.indexOf(c) < 0, "look-alike " + c);
        }
    }

    @Test
    void generatedCodeIsEightSymbolsOfTheAlphabetShownWithAHyphen() {
        for (int i = 0; i < 1_000; i++) {
            PairCode code = PairCode.generate(RANDOM);
            assertTrue(code.display().matches("[" + PairCode.ALPHABET + "]{4}-[" + PairCode.ALPHABET + "]{4}"),
                    code.display());
            assertEquals(code.display().replace("-", ""), code.normalised());
        }
    }

    /** Each symbol comes from one nextInt(31): the generator's draws map one to one onto the alphabet. */
    @Test
    void symbolsAreDrawnWithNextIntOf31() {
        int[] draws = {0, 30, 1, 29, 7, 8, 15, 22};
        SecureRandom scripted = new SecureRandom() {
            private int next;

            @Override
            public int nextInt(int bound) {
                assertEquals(31, bound);
                return draws[next++];
            }
        };

        PairCode code = PairCode.generate(scripted);

        StringBuilder expected = new StringBuilder();
        for (int d : draws) {
            expected.append(PairCode.ALPHABET.charAt(d));
        }
        assertEquals(expected.toString(), code.normalised());
    }

    /** Over many codes every symbol turns up about equally often (no modulo bias towards the first eight). */
    @Test
    void everySymbolIsAboutEquallyLikely() {
        int[] counts = new int[31];
        int codes = 40_000;
        for (int i = 0; i < codes; i++) {
            for (char c : PairCode.generate(RANDOM).normalised().toCharArray()) {
                counts[PairCode.ALPHABET.indexOf(c)]++;
            }
        }
        double expected = codes * 8 / 31.0; // ~10 323 per symbol; the original's byte % 31 gives the first eight +9 %
        for (int i = 0; i < counts.length; i++) {
            assertTrue(Math.abs(counts[i] - expected) < expected * 0.05,
                    PairCode.ALPHABET.charAt(i) + " drawn " + counts[i] + " times, expected ~" + (int) expected);
        }
    }

    @Test
    void freshCodesDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            seen.add(PairCode.generate(RANDOM).normalised());
        }
        assertEquals(1_000, seen.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ABCD-EFGH", "abcd-efgh", "AbCd-EfGh", "ABCDEFGH", "abcdefgh", " ABCD EFGH ",
        "A-B-C-D-E-F-G-H", "--abcd--efgh--", "AB CD - EF GH"})
    void caseSpacesAndHyphensAreIgnored(String text) {
        assertEquals(Optional.of("ABCDEFGH"), PairCode.parse(text).map(PairCode::normalised));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "----", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFGI", "ABCD-EFGL", "ABCD-EFGO",
        "ABCD-EFG0", "ABCD-EFG1", "ABCD_EFGH", "ABCD\tEFGH", "ABCD.EFGH", "ABCD-EFG\u00df", "\uff21BCD-EFGH",
        "ABCD-EFGH\n"})
    void anythingElseIsRefused(String text) {
        assertEquals(Optional.empty(), PairCode.parse(text));
    }

    @Test
    void overlongInputIsRefusedBeforeReading() {
        assertFalse(PairCode.parse("ABCD-EFGH" + " ".repeat(PairCode.MAX_INPUT_LENGTH)).isPresent());
    }

    @Test
    void nullIsRefused() {
        assertEquals(Optional.empty(), PairCode.parse(null));
    }

    @Test
    void parsedDisplayIsTheCanonicalForm() {
        assertEquals("ABCD-EFGH", PairCode.parse("abcdefgh").orElseThrow().display());
    }

    @Test
    void claimMessageIsTheContextAndTheNormalisedCode() {
        assertArrayEquals("ccp-pair-claim:ABCDEFGH".getBytes(StandardCharsets.US_ASCII),
                PairCode.parse("abcd efgh").orElseThrow().claimMessage());
    }

    @Test
    void toStringNeverShowsTheCode() {
        PairCode code = PairCode.parse("ABCD-EFGH").orElseThrow();

        assertFalse(code.toString().contains("ABCD"));
        assertFalse(code.toString().contains("EFGH"));
    }
}
