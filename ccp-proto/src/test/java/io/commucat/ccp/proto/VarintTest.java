package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VarintTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 300, 16383, 16384, 0xFFFF_FFFFL, Long.MAX_VALUE, -1L, Long.MIN_VALUE})
    void everyUnsigned64BitValueRoundTrips(long value) throws CodecException {
        byte[] encoded = Varint.encode(value);
        assertEquals(Varint.size(value), encoded.length);
        Varint.Decoded decoded = Varint.decode(encoded, 0, encoded.length);
        assertEquals(value, decoded.value());
        assertEquals(encoded.length, decoded.length());
    }

    @Test
    void encodesLeastSignificantGroupFirst() {
        assertArrayEquals(hex("ac02"), Varint.encode(300));
        assertArrayEquals(hex("ffffffffffffffffff01"), Varint.encode(-1L));
    }

    @Test
    void acceptsNonMinimalEncodings() throws CodecException {
        Varint.Decoded d = Varint.decode(hex("8180808000"), 0, 5);
        assertEquals(1, d.value());
        assertEquals(5, d.length());
    }

    @Test
    void reportsNeedMoreWhenTheInputEndsInsideTheVarint() throws CodecException {
        assertNull(Varint.decode(hex("8080"), 0, 2));
        assertNull(Varint.decode(new byte[0], 0, 0));
        ByteBuffer buffer = ByteBuffer.wrap(hex("ff"));
        assertNull(Varint.peek(buffer));
        assertEquals(0, buffer.position());
    }

    @Test
    void tenthByteMayCarryOnlyBit63() throws CodecException {
        assertEquals(Long.MIN_VALUE, Varint.decode(hex("80808080808080808001"), 0, 10).value());
        CodecException e = assertThrows(CodecException.class, () -> Varint.decode(hex("80808080808080808002"), 0, 10));
        assertEquals(CodecException.Kind.VARINT_OVERFLOW, e.kind());
    }

    @Test
    void tenthByteWithContinuationBitOverflowsWithoutWaitingForAnEleventh() {
        CodecException e = assertThrows(CodecException.class, () -> Varint.decode(hex("ffffffffffffffffff81"), 0, 10));
        assertEquals(CodecException.Kind.VARINT_OVERFLOW, e.kind());
    }
}
