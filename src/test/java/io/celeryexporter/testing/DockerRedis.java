package io.celeryexporter.testing;

import com.redis.testcontainers.RedisContainer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/** Redis in a container, only where a Docker engine answers. Kept apart so no Docker class loads otherwise. */
final class DockerRedis implements AutoCloseable {

    private final RedisContainer container;

    private DockerRedis(RedisContainer container) {
        this.container = container;
    }

    static boolean available() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory");
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    static DockerRedis start() {
        RedisContainer container = new RedisContainer(DockerImageName.parse("redis:7.4-alpine"));
        container.start();
        return new DockerRedis(container);
    }

    String url() {
        return container.getRedisURI();
    }

    @Override
    public void close() {
        container.stop();
    }
}
