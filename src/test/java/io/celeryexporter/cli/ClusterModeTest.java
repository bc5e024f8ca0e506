package io.celeryexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.BrokerException;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Redis Cluster node is refused with one line that says why, not with MOVED or CROSSSLOT errors later. */
class ClusterModeTest {

    private static RedisServer node;

    @BeforeAll
    static void start() {
        node = RedisServer.start("--cluster-enabled", "yes");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theBrokerRefusesAClusterNode() {
        try (RedisBroker broker = Brokers.connect(node.url(), Duration.ofSeconds(2))) {
            BrokerException e = assertThrows(BrokerException.class, () -> broker.snapshot(List.of(), List.of()));
            assertEquals(BrokerException.Kind.UNSUPPORTED, e.kind());
            assertTrue(e.getMessage().contains("Redis Cluster"), e.getMessage());
        }
    }

    @Test
    void inspectSaysSoInOneLineAndExitsThree() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "inspect", "--broker.url",
                node.url());
        assertEquals(3, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: the broker is a Redis Cluster node (cluster_enabled:1)"),
                err.toString());
    }
}
