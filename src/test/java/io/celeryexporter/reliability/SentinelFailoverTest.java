package io.celeryexporter.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.celeryexporter.broker.BrokerConnector;
import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.broker.BrokerUrl;
import io.celeryexporter.broker.TlsSettings;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** A master, a replica and a real Sentinel: after a failover the exporter follows the new master, without a restart. */
@SuppressWarnings("deprecation") // Jedis has no typed SENTINEL or INFO-by-section on RedisClient
class SentinelFailoverTest {

    private static final String MASTER = "mymaster";

    @Test
    void followsTheNewMasterAfterAFailover() throws Exception {
        try (RedisServer master = RedisServer.start();
             RedisServer replica = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(master.port()))) {
            try (RedisClient client = master.client()) {
                new CeleryRedis(client).publish("q", 0, 3);
            }
            Eventually.await(Duration.ofSeconds(10), "the replica in sync", () -> {
                try (RedisClient client = replica.client()) {
                    return client.llen("q") == 3;
                }
            });
            try (RedisServer sentinel = RedisServer.startSentinel(MASTER, master.port())) {
                Eventually.await(Duration.ofSeconds(15), "Sentinel to know the replica", () -> {
                    try (RedisClient s = sentinel.client()) {
                        return info(s, "sentinel").contains("slaves=1");
                    }
                });
                ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("q"),
                        Duration.ofMillis(200), Duration.ofSeconds(30));
                BrokerSettings settings = new BrokerSettings(BrokerUrl.parse("sentinel://127.0.0.1:" + sentinel.port()
                        + "/0"), MASTER, TlsSettings.DEFAULT, Duration.ofSeconds(1));
                try (Exporter exporter = Exporter.start(BrokerConnector.connect(settings), "sentinel", config,
                        new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), "test")) {
                    Eventually.await(Duration.ofSeconds(5), "3 tasks through the master", () -> length(exporter) == 3);

                    // Sentinel refuses (NOGOODSLAVE) until it has heard from the replica itself: ask until it agrees
                    Eventually.await(Duration.ofSeconds(30), "Sentinel to start the failover", () -> {
                        try (RedisClient s = sentinel.client()) {
                            s.sendCommand(Protocol.Command.SENTINEL, "FAILOVER", MASTER);
                            return true;
                        } catch (JedisDataException notYet) {
                            return false;
                        }
                    });
                    Eventually.await(Duration.ofSeconds(20), "the replica promoted", () -> {
                        try (RedisClient client = replica.client()) {
                            return info(client, "replication").contains("role:master");
                        } catch (JedisConnectionException closedBySentinel) {
                            return false; // Sentinel drops the clients of the instances it reconfigures
                        }
                    });
                    master.kill(); // from now on only the new master can answer
                    try (RedisClient client = replica.client()) {
                        new CeleryRedis(client).publish("q", 0, 2);
                    }
                    Eventually.await(Duration.ofSeconds(20), "5 tasks through the new master",
                            () -> length(exporter) == 5 && exporter.state().brokerUp());
                    assertEquals(5, length(exporter));
                }
            }
        }
    }

    private static long length(Exporter exporter) {
        return exporter.state().fresh().map(r -> r.queues().get(0)).map(QueueStats::length).orElse(-1L);
    }

    private static String info(RedisClient client, String section) {
        return new String((byte[]) client.sendCommand(Protocol.Command.INFO, section), StandardCharsets.UTF_8);
    }
}
