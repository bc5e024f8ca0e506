package io.celeryexporter.broker;

import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/** Opens a Jedis client for a Celery broker URL: standalone, TLS or through Sentinel. */
public final class BrokerConnector {

    private static final String CLIENT_NAME = "celery-queue-exporter";

    private BrokerConnector() {}

    /** A read-only view of the broker: what the exporter uses. */
    public static RedisBroker connect(BrokerSettings settings) {
        return new RedisBroker(openClient(settings), settings.url().database(),
                settings.url().scheme() == BrokerUrl.Scheme.SENTINEL);
    }

    /** A plain client, for the load generator, which writes. The exporter itself never uses this. */
    public static UnifiedJedis openClient(BrokerSettings settings) {
        BrokerUrl url = settings.url();
        JedisClientConfig config = clientConfig(settings);
        return switch (url.scheme()) {
            case REDIS, REDISS -> RedisClient.builder()
                    .hostAndPort(toJedis(url.endpoints().get(0)))
                    .clientConfig(config)
                    .poolConfig(poolConfig())
                    .build();
            case SENTINEL -> RedisSentinelClient.builder()
                    .masterName(settings.sentinelMaster())
                    .sentinels(sentinels(url))
                    .clientConfig(config)
                    .sentinelClientConfig(DefaultJedisClientConfig.builder()
                            .timeoutMillis((int) settings.timeout().toMillis())
                            .clientName(CLIENT_NAME)
                            .build())
                    .poolConfig(poolConfig())
                    .build();
        };
    }

    private static JedisClientConfig clientConfig(BrokerSettings settings) {
        BrokerUrl url = settings.url();
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .user(url.user())
                .password(url.password())
                .database(url.database())
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName(CLIENT_NAME)
                // RESP2 everywhere: a subscribed connection answers PING in order with the messages as a
                // ["pong", token] array, which Jedis reads; and servers before Redis 6 speak nothing else
                .protocol(RedisProtocol.RESP2);
        if (url.scheme() == BrokerUrl.Scheme.REDISS) {
            TlsSettings tls = settings.tls().withUrlDefaults(url);
            SSLParameters parameters = new SSLParameters();
            if (tls.verification() == TlsSettings.Verification.FULL) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            builder.ssl(true)
                    .sslSocketFactory(SslContexts.forClient(tls).getSocketFactory())
                    .sslParameters(parameters)
                    .hostnameVerifier((host, session) -> true); // checked by the SSL engine when FULL
        }
        return builder.build();
    }

    /**
     * A small pool: the poller uses one connection at a time. Connections are tested on borrow, because after a
     * Redis restart the first command on a stale pooled connection fails otherwise.
     */
    private static GenericObjectPoolConfig<Connection> poolConfig() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(5); // the poller; the keyspace-event, task-event and worker-event subscriptions; a spare
        pool.setMaxIdle(2);
        pool.setMinIdle(0);
        pool.setTestOnBorrow(true);
        pool.setJmxEnabled(false);
        return pool;
    }

    private static Set<HostAndPort> sentinels(BrokerUrl url) {
        Set<HostAndPort> set = new LinkedHashSet<>();
        url.endpoints().forEach(e -> set.add(toJedis(e)));
        return set;
    }

    private static HostAndPort toJedis(Endpoint endpoint) {
        return new HostAndPort(endpoint.host(), endpoint.port());
    }
}
