package io.commucat.ccp.server.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are UTF-8 JSON (rest.md). Found by RestBodyFuzzTest: Jackson guessed UTF-32 from
 * zero bytes and failed with a CharConversionException, an IOException that is not a
 * JacksonException, so a handler catching the JSON error would have let it through.
 */
class JsonBodyTest {

    @Test
    void aBodyJacksonWouldTakeForUtf32IsMalformedJson() {
        byte[] body = {0, 0, 0, 0, 0, 0, 0, 0, '3', '0', '0', '}'};
        assertThrows(JacksonException.class, () -> Json.readBody(body));
    }

    @Test
    void utf16AndUtf32BodiesAreRefusedEvenWhenTheyHoldValidJson() {
        for (Charset charset : new Charset[] {StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
            Charset.forName("UTF-32BE")}) {
            byte[] body = "{\"ttl\":300}".getBytes(charset);
            assertThrows(JacksonException.class, () -> Json.readBody(body), charset.name());
        }
    }

    @Test
    void contentAfterTheValueIsMalformed() {
        assertThrows(JacksonException.class, () -> Json.readBody("{\"ttl\":300} {}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aUtf8BodyReads() throws Exception {
        assertEquals(300, Json.readBody("{\"ttl\":300,\"name\":\"é\"}".getBytes(StandardCharsets.UTF_8)).get("ttl").asInt());
    }

    @Test
    void anEmptyBodyReadsAsMissing() throws Exception {
        assertTrue(Json.readBody(new byte[0]).isMissingNode());
    }
}
