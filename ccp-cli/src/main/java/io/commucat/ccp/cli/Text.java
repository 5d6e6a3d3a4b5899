package io.commucat.ccp.cli;

import java.nio.charset.StandardCharsets;

/**
 * What a peer sent, made safe to print as one line on a terminal: control characters are
 * escaped ({@code \n}, {@code \r}, {@code \u001b} ...) so that a payload can neither break the
 * one-line-per-message output nor drive the terminal; so are the bidirectional overrides that
 * would reorder what is shown. Bytes that are not UTF-8 show as U+FFFD.
 */
final class Text {

    private Text() {
    }

    /** A peer's UTF-8 bytes as one printable line. */
    static String line(byte[] utf8) {
        return printable(new String(utf8, StandardCharsets.UTF_8));
    }

    static String printable(String text) {
        StringBuilder line = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = escape(c);
            if (escape != null && line == null) {
                line = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (line != null) {
                if (escape != null) {
                    line.append(escape);
                } else {
                    line.append(c);
                }
            }
        }
        return line == null ? text : line.toString();
    }

    private static String escape(char c) {
        if (c == '\n') {
            return "\\n";
        }
        if (c == '\r') {
            return "\\r";
        }
        boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0);
        boolean bidi = (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
        return control || bidi ? String.format("\\u%04x", (int) c) : null;
    }
}
