package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which {@code storage.redis_url} forms a node starts with (docs/configuration.md, docs/scale-out.md). */
class RedisUrlFormTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "redis://127.0.0.1",
        "redis://cache:6380",
        "redis://cache:6379/0",
        "redis://cache:6379/15",
        "redis://:secret@cache:6379",
        "redis://ccp:secret@cache:6379/2",
        "redis://ccp:p%40ss%2Fword@cache",
        "rediss://cache.example.org:6380/1",
        "REDIS://cache",
        "redis://[::1]:6379",
    })
    void supportedFormsAreAccepted(String url) {
        assertNull(RedisUrlForm.problem(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "redis-sentinel://s1:26379,s2:26379/mymaster",
        "redis+sentinel://s1:26379/mymaster",
        "unix:///run/redis.sock",
        "redis+unix:///run/redis.sock",
        "http://cache:6379",
        "redis://",
        "redis:///0",
        "redis://cache_1:6379",
        "redis://cache:0",
        "redis://cache:6379/one",
        "redis://cache:6379/0/1",
        "redis://secret@cache:6379",
        "redis://cache:6379?timeout=5",
        "redis://cache:6379#x",
        "redis://u:pa ss@cache",
    })
    void unsupportedFormsAreRefusedWithAReason(String url) {
        assertNotNull(RedisUrlForm.problem(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-sentinel://:hunter2@s1:26379/m", "redis://hunter2@cache", "redis://u:hunter2@cache/x"})
    void theReasonNeverRepeatsThePassword(String url) {
        assertFalse(RedisUrlForm.problem(url).contains("hunter2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-sentinel://s1:26379/m", "redis+sentinel://s1:26379/m"})
    void sentinelIsNamedAsNotSupportedYet(String url) {
        assertTrue(RedisUrlForm.problem(url).contains("Sentinel is not supported yet"));
    }
}
