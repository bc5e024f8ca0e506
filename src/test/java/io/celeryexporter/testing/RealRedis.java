package io.celeryexporter.testing;

import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * A real Redis for a test class, from the first source that works:
 * <ol>
 *   <li>{@code REDIS_URL}, if set: a server the developer provides. It is flushed before each test, so point it at a
 *       throw-away server;</li>
 *   <li>Testcontainers, where a Docker engine is available;</li>
 *   <li>{@code redis-server} from PATH, on a free loopback port.</li>
 * </ol>
 * Use it as {@code @RegisterExtension static final RealRedis REDIS = new RealRedis();}. Every test starts with an
 * empty server.
 */
public final class RealRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private String url;
    private String source;
    private AutoCloseable owned;

    @Override
    public void beforeAll(ExtensionContext context) {
        String env = System.getenv("REDIS_URL");
        if (env != null && !env.isBlank()) {
            url = env;
            source = "REDIS_URL";
        } else if (DockerRedis.available()) {
            DockerRedis container = DockerRedis.start();
            owned = container;
            url = container.url();
            source = "Testcontainers";
        } else if (RedisServer.onPath()) {
            RedisServer server = RedisServer.start();
            owned = server;
            url = server.url();
            source = "redis-server on PATH";
        } else {
            throw new ExtensionConfigurationException("No Redis for tests: set REDIS_URL, or make Docker available"
                    + " for Testcontainers, or install redis-server on PATH (apt-get install redis-server).");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try (RedisClient client = client()) {
            client.flushAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (owned != null) {
            owned.close();
        }
    }

    /** {@code redis://host:port} with no database path. */
    public String url() {
        return url;
    }

    public String host() {
        return URI.create(url).getHost();
    }

    public int port() {
        return URI.create(url).getPort();
    }

    public String source() {
        return source;
    }

    /** Runs {@code ACL <args>} as the admin, e.g. {@code acl("SETUSER", "reader", "on", ">pw", "+@read")}. */
    @SuppressWarnings("deprecation") // Jedis has no typed ACL methods on RedisClient
    public Object acl(String... args) {
        try (RedisClient client = client()) {
            return client.sendCommand(Protocol.Command.ACL, args);
        }
    }

    /** An admin client (database 0). */
    public RedisClient client() {
        return RedisClient.create(URI.create(url));
    }
}
