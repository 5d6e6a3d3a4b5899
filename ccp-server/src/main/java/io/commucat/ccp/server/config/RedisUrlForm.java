package io.commucat.ccp.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The forms of {@code storage.redis_url} a node supports, checked when the configuration is read
 * so that a form the Redis client would misread (or ignore) stops the node at start with a clear
 * error instead of failing later, or connecting somewhere else:
 * {@code redis://[[user]:password@]host[:port][/db]}, and the same with {@code rediss://} (TLS,
 * the server's certificate checked against the JVM's trust store). Sentinel, Cluster and Unix
 * sockets are not supported yet (docs/scale-out.md). Errors never repeat the URL: it may hold a
 * password.
 */
final class RedisUrlForm {

    private RedisUrlForm() {
    }

    /** @return why {@code url} is not a supported form, or {@code null} when it is */
    static String problem(String url) {
        String lower = url.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis-sentinel://") || lower.startsWith("redis+sentinel://")
                || lower.startsWith("sentinel://")) {
            return "Redis Sentinel is not supported yet: give the master's redis:// URL (docs/scale-out.md)";
        }
        if (lower.startsWith("unix://") || lower.startsWith("redis+unix://") || lower.startsWith("redis-socket://")) {
            return "Unix sockets are not supported: give a redis:// or rediss:// URL with a host";
        }
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            return "must start with redis:// or rediss://";
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return "is not a valid URL (reserved characters in a password must be percent-encoded)";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "needs a host: redis://host[:port][/db] (a host name with '_' is not a valid URL host)";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535 || uri.getPort() < -1) {
            return "port must be between 1 and 65535";
        }
        if (uri.getRawUserInfo() != null && !uri.getRawUserInfo().contains(":")) {
            return "user info must be [user]:password (a password alone is :password)";
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            String db = path.substring(1);
            if (!db.matches("[0-9]{1,5}")) {
                return "the path is the database index, a number: redis://host:port/0";
            }
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "query parameters and fragments are not supported";
        }
        return null;
    }
}
