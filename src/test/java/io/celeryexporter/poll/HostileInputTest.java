package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Fixtures;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.PollClock;
import java.util.concurrent.atomic.LongAdder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Hostile messages in the lists and in the unacked hash: counted once each, skipped, and the poller keeps going. */
class HostileInputTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static List<byte[]> hostile() {
        byte[] real = Fixtures.celery("v2-json-default.json");
        byte[] random = new byte[500];
        new Random(3).nextBytes(random);
        String text = new String(real, StandardCharsets.UTF_8);
        return List.of(
                random,
                Arrays.copyOf(real, real.length / 3),
                "{\"headers\": 5}".getBytes(StandardCharsets.UTF_8),
                ("{\"headers\": {\"x\": " + "[".repeat(5000)).getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', (byte) 0xFF, (byte) 0xC3, '}'},
                text.replace("\"task\": \"demo.add\"", "\"task\": [1, 2]").getBytes(StandardCharsets.UTF_8),
                new String(Fixtures.celery("v1-json.json"), StandardCharsets.UTF_8)
                        .replace("application/json", "application/x-python-serialize").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyUndecodableMessageIsCountedOnceAndNothingElseChanges() {
        List<byte[]> bad = hostile();
        byte[] tenMegabytes = new String(Fixtures.celery("v2-json-default.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"body\": \"[^\"]*\"", "\"body\": \"" + "A".repeat(10 * 1024 * 1024) + "\"")
                .getBytes(StandardCharsets.UTF_8);
        UndecodableCounter undecodable = new UndecodableCounter();
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(30), new ExporterConfig.TaskBreakdownConfig(true, 10, 10));
        try (RedisClient redis = REDIS.client(); RedisBroker broker = Brokers.connect(REDIS.url(),
                Duration.ofSeconds(5))) {
            CeleryRedis celery = new CeleryRedis(redis);
            celery.declare("hostile");
            redis.rpush("hostile".getBytes(), tenMegabytes); // valid, only big
            for (byte[] b : bad) {
                redis.rpush("hostile".getBytes(), b); // rpush: each one becomes the head in turn as workers pop
            }
            celery.publish("hostile", 0, 2);
            for (int i = 0; i < bad.size(); i++) {
                celery.unacked("bad-" + i, bad.get(i));
            }
            Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(undecodable, new ClockSkewCounter(), new FlowStatus(), new LongAdder()), PollClock.system());
            long expectedLength = bad.size() + 3;
            for (int round = 0; round <= bad.size() + 1; round++) {
                QueueStats q = poller.poll().queues().stream().filter(s -> s.name().equals("hostile")).findFirst()
                        .orElseThrow();
                assertEquals(expectedLength, q.length(), "round " + round);
                redis.rpop("hostile");
                expectedLength--;
            }
            // each bad list message once (as it reached the head), each bad unacked entry once
            assertEquals(Map.of("hostile", (long) bad.size(), UndecodableCounter.UNKNOWN, (long) bad.size()),
                    undecodable.totals());
        }
    }
}
