package io.commucat.ccp.server.storage.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.StorageException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * {@link Presence} in Redis, shared by every node. Thread-safe (Jedis pools its connections);
 * every method blocks for one round trip.
 *
 * <p>Keys, all under the configured prefix: {@code <prefix>presence:{<device>}} holds the
 * snapshot as JSON, {@code <prefix>route:{<device>}} the node id; both carry their own TTL. The
 * braces make both keys of a device hash to one Redis Cluster slot, which the atomic
 * {@link #clear} script needs.
 */
public final class RedisPresence implements Presence, AutoCloseable {

    /** Default prefix of every key this adapter writes. */
    public static final String DEFAULT_PREFIX = "ccp:";

    private static final int TIMEOUT_MS = 2_000;

    /**
     * Compare-and-delete: drops each key only while it still names the node (ARGV[1]), in one
     * atomic step, so a node that lost the device cannot erase the newer node's entries.
     */
    private static final String CLEAR_SCRIPT = """
            local removed = 0
            local snapshot = redis.call('GET', KEYS[1])
            if snapshot then
              local ok, decoded = pcall(cjson.decode, snapshot)
              if ok and type(decoded) == 'table' and decoded['nodeId'] == ARGV[1] then
                removed = removed + redis.call('DEL', KEYS[1])
              end
            end
            if redis.call('GET', KEYS[2]) == ARGV[1] then
              removed = removed + redis.call('DEL', KEYS[2])
            end
            return removed
            """;

    /**
     * {@link #CLEAR_SCRIPT} for a session that ended at ARGV[2] (microseconds since the epoch):
     * a snapshot of the node written after that belongs to a newer session of the device here,
     * and it and the route stay. Snapshots carry {@code updatedAtMicros} for this comparison
     * (exact as a Lua number: below 2^53); one without it is older.
     */
    private static final String CLEAR_ENDED_SCRIPT = """
            local snapshot = redis.call('GET', KEYS[1])
            if snapshot then
              local ok, decoded = pcall(cjson.decode, snapshot)
              if ok and type(decoded) == 'table' and decoded['nodeId'] == ARGV[1] then
                local at = tonumber(decoded['updatedAtMicros'])
                if at and at > tonumber(ARGV[2]) then
                  return 0
                end
                redis.call('DEL', KEYS[1])
              end
            end
            if redis.call('GET', KEYS[2]) == ARGV[1] then
              redis.call('DEL', KEYS[2])
            end
            return 1
            """;
    private static final String CLEAR_ENDED_SHA = sha1Hex(CLEAR_ENDED_SCRIPT);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnifiedJedis redis;
    private final String prefix;
    private final boolean ownsClient;
    private final RedisBreaker breaker;

    /** Uses {@code redis} without owning it: {@link #close} leaves it open. */
    public RedisPresence(UnifiedJedis redis, String keyPrefix) {
        this(redis, keyPrefix, new RedisBreaker());
    }

    /**
     * Uses {@code redis} without owning it, failing fast while {@code breaker} (shared with the
     * other users of the same Redis) knows it to be down.
     */
    public RedisPresence(UnifiedJedis redis, String keyPrefix, RedisBreaker breaker) {
        this(redis, keyPrefix, false, breaker);
    }

    private RedisPresence(UnifiedJedis redis, String keyPrefix, boolean ownsClient, RedisBreaker breaker) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.ownsClient = ownsClient;
        this.breaker = Objects.requireNonNull(breaker, "breaker");
    }

    /**
     * Connects a pool to {@code redisUrl} ({@code redis://[user:password@]host:port[/db]}, or
     * {@code rediss://} for TLS); {@link #close} closes it. Does not contact the server.
     */
    public static RedisPresence connect(String redisUrl, String keyPrefix) {
        return new RedisPresence(new JedisPooled(URI.create(redisUrl), TIMEOUT_MS), keyPrefix, true,
                new RedisBreaker());
    }

    @Override
    public void publish(PresenceSnapshot snapshot, Duration ttl) throws StorageException {
        Objects.requireNonNull(snapshot.deviceId(), "deviceId");
        String json = encode(snapshot);
        run("publish presence", () -> redis.set(presenceKey(snapshot.deviceId()), json, expiry(ttl)));
    }

    @Override
    public Optional<PresenceSnapshot> find(String deviceId) throws StorageException {
        String json = run("find presence", () -> redis.get(presenceKey(deviceId)));
        return json == null ? Optional.empty() : Optional.of(decode(json));
    }

    @Override
    public void setRoute(String deviceId, String nodeId, Duration ttl) throws StorageException {
        Objects.requireNonNull(nodeId, "nodeId");
        run("set route", () -> redis.set(routeKey(deviceId), nodeId, expiry(ttl)));
    }

    /** SET … GET: one atomic round trip (Redis 6.2+). */
    @Override
    public Optional<String> takeRoute(String deviceId, String nodeId, Duration ttl) throws StorageException {
        Objects.requireNonNull(nodeId, "nodeId");
        return Optional.ofNullable(run("take route", () -> redis.setGet(routeKey(deviceId), nodeId, expiry(ttl))));
    }

    /**
     * One pipelined round trip: per device a SET of the snapshot and a SET … GET of the route
     * (a cluster client splits it by slot; both keys of a device share one).
     */
    @Override
    public Map<String, Optional<String>> takeRoutes(Collection<PresenceSnapshot> snapshots, Duration ttl)
            throws StorageException {
        SetParams expiry = expiry(ttl);
        List<String[]> writes = new ArrayList<>(snapshots.size());
        for (PresenceSnapshot snapshot : Presence.distinctDevices(snapshots)) {
            Objects.requireNonNull(snapshot.nodeId(), "nodeId");
            writes.add(new String[] {snapshot.deviceId(), snapshot.nodeId(), encode(snapshot)});
        }
        if (writes.isEmpty()) {
            return Map.of();
        }
        return run("take routes", () -> {
            Map<String, Response<String>> pending = new HashMap<>();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (String[] write : writes) {
                    pipeline.set(presenceKey(write[0]), write[2], expiry);
                    pending.put(write[0], pipeline.setGet(routeKey(write[0]), write[1], expiry));
                }
                pipeline.sync();
            }
            Map<String, Optional<String>> previous = new HashMap<>();
            pending.forEach((deviceId, response) -> previous.put(deviceId, Optional.ofNullable(response.get())));
            return previous;
        });
    }

    @Override
    public Optional<String> route(String deviceId) throws StorageException {
        return Optional.ofNullable(run("find route", () -> redis.get(routeKey(deviceId))));
    }

    /** One pipelined round trip of GETs (a cluster client splits it by slot). */
    @Override
    public Map<String, Optional<String>> routes(Collection<String> deviceIds) throws StorageException {
        return run("find routes", () -> {
            Map<String, Response<String>> pending = new LinkedHashMap<>();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (String deviceId : deviceIds) {
                    pending.putIfAbsent(deviceId, pipeline.get(routeKey(deviceId)));
                }
                pipeline.sync();
            }
            Map<String, Optional<String>> routes = new HashMap<>();
            pending.forEach((deviceId, response) -> routes.put(deviceId, Optional.ofNullable(response.get())));
            return routes;
        });
    }

    @Override
    public void clear(String deviceId, String nodeId) throws StorageException {
        Objects.requireNonNull(nodeId, "nodeId");
        run("clear presence", () -> redis.eval(CLEAR_SCRIPT,
                List.of(presenceKey(deviceId), routeKey(deviceId)), List.of(nodeId)));
    }

    /**
     * One pipelined round trip of script calls (by digest; by text once more when Redis lost its
     * script cache, after a restart or SCRIPT FLUSH). A cluster client splits it by slot.
     */
    @Override
    public void clearEnded(Map<String, Instant> endedAt, String nodeId) throws StorageException {
        Objects.requireNonNull(nodeId, "nodeId");
        if (endedAt.isEmpty()) {
            return;
        }
        run("clear ended presence", () -> {
            if (!clearEnded(endedAt, nodeId, true)) {
                clearEnded(endedAt, nodeId, false);
            }
            return null;
        });
    }

    /** False when {@code byDigest} and Redis did not know the script (nothing was cleared then). */
    private boolean clearEnded(Map<String, Instant> endedAt, String nodeId, boolean byDigest) {
        List<Response<Object>> replies = new ArrayList<>(endedAt.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Map.Entry<String, Instant> device : endedAt.entrySet()) {
                List<String> keys = List.of(presenceKey(device.getKey()), routeKey(device.getKey()));
                List<String> args = List.of(nodeId, Long.toString(micros(device.getValue())));
                replies.add(byDigest ? pipeline.evalsha(CLEAR_ENDED_SHA, keys, args)
                        : pipeline.eval(CLEAR_ENDED_SCRIPT, keys, args));
            }
            pipeline.sync();
        }
        for (Response<Object> reply : replies) {
            try {
                reply.get();
            } catch (JedisDataException e) {
                if (byDigest && e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                    return false;
                }
                throw e;
            }
        }
        return true;
    }

    @Override
    public boolean ping() {
        try {
            return "PONG".equalsIgnoreCase(redis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    /** Closes the pool when {@link #connect} made it. */
    @Override
    public void close() {
        if (ownsClient) {
            redis.close();
        }
    }

    String presenceKey(String deviceId) {
        return prefix + "presence:{" + deviceId + "}";
    }

    String routeKey(String deviceId) {
        return prefix + "route:{" + deviceId + "}";
    }

    private static SetParams expiry(Duration ttl) {
        long millis = ttl.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("ttl must be at least one millisecond: " + ttl);
        }
        return SetParams.setParams().px(millis);
    }

    private static String encode(PresenceSnapshot snapshot) {
        ObjectNode node = JSON.createObjectNode()
                .put("deviceId", snapshot.deviceId())
                .put("userId", snapshot.userId())
                .put("state", snapshot.state())
                .put("nodeId", snapshot.nodeId())
                .put("updatedAt", snapshot.updatedAt() == null ? null : snapshot.updatedAt().toString());
        if (snapshot.updatedAt() != null) {
            node.put("updatedAtMicros", micros(snapshot.updatedAt()));
        }
        return node.toString();
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    private static PresenceSnapshot decode(String json) throws StorageException {
        try {
            JsonNode node = JSON.readTree(json);
            if (!node.isObject()) {
                throw new StorageException(StorageException.Kind.CORRUPT, "presence snapshot is not a JSON object");
            }
            String updatedAt = text(node, "updatedAt");
            return new PresenceSnapshot(text(node, "deviceId"), text(node, "userId"), text(node, "state"),
                    text(node, "nodeId"), updatedAt == null ? null : Instant.parse(updatedAt));
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new StorageException(StorageException.Kind.CORRUPT, "presence snapshot is not valid JSON", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private <T> T run(String what, java.util.function.Supplier<T> command) throws StorageException {
        return breaker.call(what, command);
    }
}
