package io.commucat.ccp.server.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.Frame;
import java.util.List;

/**
 * What became of one frame a device sent: the Ack properties (ccp-1.md §4.2) or the refusal,
 * and the deliveries it caused.
 *
 * @param request the device's frame
 * @param ack the Ack's properties when accepted, else {@code null}
 * @param refusal why it was refused, else {@code null}
 */
public record Outcome(Frame request, ObjectNode ack, RelayException refusal, List<Delivery> deliveries) {

    public Outcome {
        deliveries = List.copyOf(deliveries);
    }

    static Outcome accepted(Frame request, ObjectNode ack, List<Delivery> deliveries) {
        return new Outcome(request, ack, null, deliveries);
    }

    static Outcome refused(Frame request, RelayException refusal) {
        return new Outcome(request, null, refusal, List.of());
    }

    public boolean isAccepted() {
        return refusal == null;
    }
}
