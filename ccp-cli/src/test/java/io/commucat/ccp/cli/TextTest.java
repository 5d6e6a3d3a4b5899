package io.commucat.ccp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void plainTextIsPrintedAsItIs() {
        String text = "héllo\twörld ✓ 👋 \\n";

        assertSame(text, Text.printable(text));
    }

    @Test
    void lineBreaksAreEscapedSoAMessageStaysOneLine() {
        assertEquals("a\\nb\\r\\nc", Text.printable("a\nb\r\nc"));
    }

    @Test
    void terminalControlsAreEscaped() {
        assertEquals("\\u001b[2J\\u0007\\u007f\\u009b", Text.printable("\u001b[2J\u0007\u007f\u009b"));
    }

    @Test
    void bidirectionalOverridesAreEscaped() {
        assertEquals("abc\\u202edef\\u2066", Text.printable("abc\u202edef\u2066"));
    }

    @Test
    void bytesThatAreNotUtf8ShowAsReplacementCharacters() {
        assertEquals("ok\ufffd", Text.line(new byte[] {'o', 'k', (byte) 0xff}));
        assertEquals("é", Text.line("é".getBytes(StandardCharsets.UTF_8)));
    }
}
