package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FrameTypeTest {

    @Test
    void codesRunFrom0x01To0x14InSpecOrder() {
        FrameType[] types = FrameType.values();
        assertEquals(20, types.length);
        for (int i = 0; i < types.length; i++) {
            assertEquals(i + 1, types[i].code());
            assertEquals(types[i], FrameType.fromCode(i + 1));
        }
        assertNull(FrameType.fromCode(0));
        assertNull(FrameType.fromCode(0x15));
        assertNull(FrameType.fromCode(0xff));
    }

    @Test
    void labelsAreLowerSnakeCaseOfTheNames() {
        for (FrameType t : FrameType.values()) {
            String snake = t.wireName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
            assertEquals(snake, t.label());
        }
        assertEquals("key_update", FrameType.KEY_UPDATE.label());
    }

    @Test
    void onlyMsgAndMediaFramesAreOpaque() {
        for (FrameType t : FrameType.values()) {
            boolean opaque = t == FrameType.MSG || t == FrameType.VOICE_FRAME || t == FrameType.VIDEO_FRAME;
            assertEquals(opaque ? PayloadKind.OPAQUE : PayloadKind.CONTROL, t.payloadKind());
        }
    }
}
