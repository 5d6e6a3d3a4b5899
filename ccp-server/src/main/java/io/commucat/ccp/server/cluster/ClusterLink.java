package io.commucat.ccp.server.cluster;

import io.commucat.ccp.server.connect.SessionRegistry;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of the bus on one node: hands what other nodes publish to the sessions of
 * this node. Runs on the bus's thread and never blocks (sessions do the work on their loops).
 */
public final class ClusterLink implements Consumer<byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLink.class);

    private final SessionRegistry registry;
    private final LongConsumer channelChanged;

    public ClusterLink(SessionRegistry registry) {
        this(registry, channel -> { });
    }

    /** @param channelChanged told of each {@code ChannelChanged} (the membership cache); never blocks */
    public ClusterLink(SessionRegistry registry, LongConsumer channelChanged) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.channelChanged = Objects.requireNonNull(channelChanged, "channelChanged");
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
        } else if (message instanceof ClusterMessage.ChannelChanged changed) {
            channelChanged.accept(changed.channelId());
        }
    }
}
