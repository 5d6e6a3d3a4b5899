package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ControlPayloadTest {

    private static ObjectNode nested(int depth) {
        ObjectNode root = ControlJson.object();
        ObjectNode current = root;
        for (int i = 1; i < depth; i++) {
            current = current.putObject("a");
        }
        return root;
    }

    @Test
    void aBuiltPayloadEqualsTheSamePayloadDecodedFromItsBytes() throws CodecException {
        ObjectNode built = ControlJson.object();
        built.put("small", 5L);
        built.put("text", "é");
        built.putArray("list").add(1).add("two");
        ControlPayload payload = ControlPayload.of(built);

        byte[] wire = payload.toByteArray();
        ControlPayload decoded = ControlPayload.adopt(ControlJson.parseObject(wire, 0, wire.length), wire, 0, wire.length);
        assertEquals(decoded, payload);
        assertEquals(decoded.hashCode(), payload.hashCode());
        assertEquals(ControlJson.parseObject(wire, 0, wire.length), payload.json());
    }

    @Test
    void aBuiltPayloadIsItsCompactJsonInTheOrderItWasBuilt() {
        ObjectNode built = ControlJson.object();
        built.put("z", 1);
        built.put("a", "b");
        assertArrayEquals("{\"z\":1,\"a\":\"b\"}".getBytes(StandardCharsets.UTF_8), ControlPayload.of(built).toByteArray());
    }

    @Test
    void aBuiltPayloadKeepsNoReferenceToTheObjectItWasBuiltFrom() {
        ObjectNode built = ControlJson.object();
        built.put("k", "before");
        ControlPayload payload = ControlPayload.of(built);
        built.put("k", "after");
        assertEquals("before", payload.text("k"));
    }

    @Test
    void anObjectNestedToTheDialectsDepthIsBuiltAndReadsBack() {
        ControlPayload payload = ControlPayload.of(nested(ControlJson.MAX_DEPTH));
        assertEquals(nested(ControlJson.MAX_DEPTH), payload.json());
    }

    @Test
    void anObjectNestedDeeperThanTheDialectReadsIsRefusedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> ControlPayload.of(nested(ControlJson.MAX_DEPTH + 1)));
    }

    @Test
    void threadsReadingABuiltPayloadForTheFirstTimeAllSeeTheSameObject() throws Exception {
        ObjectNode built = ControlJson.object();
        built.put("k", "v");
        int threads = 4;
        for (int round = 0; round < 50; round++) {
            ControlPayload payload = ControlPayload.of(built);
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<String>> reads = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    reads.add(pool.submit(() -> {
                        start.await();
                        return payload.text("k");
                    }));
                }
                for (Future<String> read : reads) {
                    assertEquals("v", read.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
