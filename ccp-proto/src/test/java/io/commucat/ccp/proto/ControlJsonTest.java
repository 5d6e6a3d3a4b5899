package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlJsonTest {

    private static CodecException.Kind failure(byte[] bytes) {
        return assertThrows(CodecException.class, () -> ControlJson.parseObject(bytes, 0, bytes.length)).kind();
    }

    private static CodecException.Kind failure(String text) {
        return failure(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsAnyKeyOrder() throws CodecException {
        byte[] a = "{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] b = "{\"a\":2,\"b\":1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(ControlJson.parseObject(a, 0, a.length), ControlJson.parseObject(b, 0, b.length));
    }

    @Test
    void rejectsEverythingButAnObject() {
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure("[1,2]"));
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure("\"text\""));
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure("null"));
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure(""));
    }

    @Test
    void rejectsTrailingContent() {
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure("{} {}"));
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure("{}x"));
    }

    @Test
    void rejectsDuplicateKeys() {
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure("{\"a\":1,\"a\":2}"));
    }

    @Test
    void rejectsInvalidUtf8() {
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}));
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
        String deep = "{\"a\":".repeat(ControlJson.MAX_DEPTH + 1) + "1" + "}".repeat(ControlJson.MAX_DEPTH + 1);
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure(deep));
    }

    @Test
    void rejectsNonNumericNumbers() {
        assertEquals(CodecException.Kind.INVALID_CONTROL_JSON, failure("{\"a\":NaN}"));
    }
}
