package io.commucat.ccp.server.cluster;

import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.StorageException;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every node that a channel's members changed ({@link ClusterMessage.ChannelChanged}), so
 * their membership caches drop the channel. Blocking (one bus round trip): storage executor
 * only. At most once, like the bus: a lost announcement leaves the other nodes' entry stale until
 * it expires.
 */
public final class MembershipAnnouncer implements LongConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipAnnouncer.class);

    private final Bus bus;

    public MembershipAnnouncer(Bus bus) {
        this.bus = Objects.requireNonNull(bus, "bus");
    }

    @Override
    public void accept(long channelId) {
        try {
            bus.broadcast(ClusterMessage.encode(new ClusterMessage.ChannelChanged(channelId)));
        } catch (StorageException e) {
            LOG.warn("channel change broadcast for {} failed ({}): other nodes see it when their entry expires",
                    channelId, e.kind());
        }
    }
}
