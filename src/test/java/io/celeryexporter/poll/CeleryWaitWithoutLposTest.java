package io.celeryexporter.poll;

import io.celeryexporter.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/**
 * The real-Celery wait tests on a broker without {@code LPOS} (renamed away, as on Redis before 6.0.6 and some
 * managed services): the same truth, the same bounds.
 */
class CeleryWaitWithoutLposTest extends CeleryWaitTest {

    private static RedisServer noLpos;

    @BeforeAll
    static void startServerWithoutLpos() {
        noLpos = RedisServer.start("--rename-command", "LPOS", "");
    }

    @AfterAll
    static void stopServerWithoutLpos() {
        if (noLpos != null) {
            noLpos.close();
        }
    }

    @BeforeEach
    void flush() {
        try (RedisClient redis = noLpos.client()) {
            redis.flushAll();
        }
    }

    @Override
    String redisUrl() {
        return noLpos.url();
    }

    @Override
    RedisClient client() {
        return noLpos.client();
    }
}
