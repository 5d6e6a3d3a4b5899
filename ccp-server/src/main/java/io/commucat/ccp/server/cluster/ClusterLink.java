package io.commucat.ccp.server.cluster;

import io.commucat.ccp.server.connect.SessionRegistry;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of the bus on one node: hands what other nodes publish to the sessions of
 * this node. Runs on the bus's thread and never blocks (sessions do the work on their loops).
 */
public final class ClusterLink implements Consumer<byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLink.class);

    private final SessionRegistry registry;

    public ClusterLink(SessionRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void accept(byte[] bytes) {
        ClusterMessage message;
        try {
            message = ClusterMessage.decode(bytes);
        } catch (ClusterMessage.MalformedException e) {
            LOG.warn("dropped a bus message: {}", e.getMessage());
            return;
        }
        if (message instanceof ClusterMessage.Deliver deliver) {
            registry.deliver(deliver.delivery());
        } else if (message instanceof ClusterMessage.Replace replace) {
            registry.replaceFromAnotherNode(replace.deviceId(), replace.since());
        } else if (message instanceof ClusterMessage.Revoke revoke) {
            registry.revoke(revoke.deviceId());
        }
    }
}
