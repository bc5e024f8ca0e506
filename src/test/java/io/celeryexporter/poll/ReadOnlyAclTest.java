package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Fixtures;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.QueueWait;
import io.celeryexporter.workers.WorkersConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

/** The exporter works fully as a Redis user that cannot write: the ACL the README documents. */
class ReadOnlyAclTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    /** Exactly the rule documented in README.md, section "Redis ACL". */
    static final String[] README_ACL = {"SETUSER", "celery-exporter", "on", ">exporter-pw", "resetkeys", "~*",
        "resetchannels", "-@all", "+@read", "+@connection", "+@transaction", "-@write"};

    @Test
    void pollsEverythingWithAReadOnlyUser() {
        try (RedisClient admin = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(admin);
            celery.publish("alpha", 0, 4);
            celery.publish("alpha", 6, 2);
            celery.unacked("t1", Fixtures.celery("unacked-hash-entry-eta.json"));
        }
        REDIS.acl(README_ACL);
        String url = "redis://celery-exporter:exporter-pw@" + REDIS.host() + ":" + REDIS.port() + "/0";

        try (RedisClient reader = RedisClient.create(url)) {
            JedisDataException denied = assertThrows(JedisDataException.class, () -> reader.lpush("alpha", "x"));
            assertTrue(denied.getMessage().startsWith("NOPERM"), denied.getMessage());
        }

        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (RedisBroker broker = Brokers.connect(url, Duration.ofSeconds(2))) {
            PollResult result = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(), PollClock.system()).poll();
            QueueStats alpha = result.queues().stream().filter(q -> q.name().equals("alpha")).findFirst()
                    .orElseThrow();
            assertEquals(6, alpha.length());
            assertEquals(2, alpha.lengthByPriority().get(6));
            QueueStats work = result.queues().stream().filter(q -> q.name().equals("work")).findFirst()
                    .orElse(null);
            assertEquals(null, work, "work has no binding, so it is not discovered");
        }
    }

    /** The README's additions for keyspace notifications, section "Exact counts". */
    static final String[] README_EVENTS_ACL = {"SETUSER", "celery-exporter", "&__keyevent@0__:*",
        "&__keyspace@0__:*", "+subscribe", "+psubscribe", "+config|get"};

    @Test
    void countsExactlyWithTheDocumentedAdditionsAndFallsBackWithoutThem() throws Exception {
        try (RedisClient admin = REDIS.client()) {
            admin.configSet("notify-keyspace-events", "El");
            try {
                REDIS.acl(README_ACL);
                assertEquals(new FlowCheck(2, 1, false), flowsAs(admin),
                        "no channel rights: snapshots, which miss the task that came and went between the polls");
                REDIS.acl(README_EVENTS_ACL);
                assertEquals(new FlowCheck(3, 2, true), flowsAs(admin));
            } finally {
                admin.configSet("notify-keyspace-events", "");
            }
        }
    }

    private record FlowCheck(long enqueued, long dequeued, boolean exact) {}

    /**
     * Two polls as the exporter user; in between, three tasks arrive and two leave: the one queued before and the
     * first of the three, which came and went unseen by either poll.
     */
    private static FlowCheck flowsAs(RedisClient admin) throws Exception {
        String url = "redis://celery-exporter:exporter-pw@" + REDIS.host() + ":" + REDIS.port() + "/0";
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("alpha"),
                Duration.ofSeconds(1), Duration.ofSeconds(30)).withFlows(ExporterConfig.Flows.AUTO);
        try (RedisBroker broker = Brokers.connect(url, Duration.ofSeconds(2));
             Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(),
                     PollClock.system())) {
            admin.del("alpha");
            new CeleryRedis(admin).publish("alpha", 0, 1);
            poller.poll();
            new CeleryRedis(admin).publish("alpha", 0, 3);
            admin.rpop("alpha");
            admin.rpop("alpha");
            QueueWait w = poller.poll().queues().get(0).waiting();
            return new FlowCheck(w.enqueued(), w.dequeued(), w.countsExact());
        }
    }

    /** CONFIG left out of the ACL, as managed services do: the events are trusted once the first one arrives. */
    @Test
    void withoutConfigGetTheFirstEventTrustsTheEvents() throws Exception {
        try (RedisClient admin = REDIS.client()) {
            admin.configSet("notify-keyspace-events", "El");
            try {
                REDIS.acl(README_ACL);
                REDIS.acl("SETUSER", "celery-exporter", "&__keyevent@0__:*", "+subscribe");
                String url = "redis://celery-exporter:exporter-pw@" + REDIS.host() + ":" + REDIS.port() + "/0";
                ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL,
                        List.of("alpha"), Duration.ofSeconds(1), Duration.ofSeconds(30))
                        .withFlows(ExporterConfig.Flows.AUTO);
                PollCounters counters = new PollCounters();
                try (RedisBroker broker = Brokers.connect(url, Duration.ofSeconds(2));
                     Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), counters,
                             PollClock.system())) {
                    assertFalse(poller.poll().queues().get(0).waiting().countsExact(), "nothing known yet");
                    new CeleryRedis(admin).publish("alpha", 0, 2);
                    admin.rpop("alpha");
                    Eventually.await(Duration.ofSeconds(10), "the first events",
                            () -> counters.flows().eventsReceived() >= 3);
                    poller.poll(); // trusted from here: this interval is still reconciled with the snapshot
                    admin.rpop("alpha");
                    new CeleryRedis(admin).publish("alpha", 0, 1);
                    admin.rpop("alpha");
                    QueueWait w = poller.poll().queues().get(0).waiting();
                    assertTrue(w.countsExact(), "a whole interval of events");
                    assertEquals(FlowStatus.Source.KEYSPACE_EVENTS, counters.flows().source());
                    assertEquals(3, w.dequeued());
                }
            } finally {
                admin.configSet("notify-keyspace-events", "");
            }
        }
    }

    /** The README's addition for the worker side, section "Redis ACL". */
    static final String[] README_WORKERS_ACL = {"SETUSER", "celery-exporter", "&/0.celeryev/*", "+psubscribe"};

    @Test
    void theWorkerSideNeedsOnlyTheCeleryevChannelsAndTheRestIsServedWithoutThem() throws Exception {
        try (RedisClient admin = REDIS.client()) {
            new CeleryRedis(admin).publish("evaluation", 0, 2);
            REDIS.acl(README_ACL);
            PollResult without = pollWithWorkersAs(admin);
            assertEquals(2, without.queues().get(0).length(), "the queue is served");
            assertFalse(without.workers().listening(), "the subscription is refused");
            assertEquals(List.of(), without.workers().groups());
            REDIS.acl(README_WORKERS_ACL);
            PollResult with = pollWithWorkersAs(admin);
            assertTrue(with.workers().listening());
            assertEquals(1, with.workers().groups().get(0).online(), "the heartbeat was heard: " + with.workers());
            assertEquals("dispatcher", with.workers().groups().get(0).name());
        }
    }

    /** Polls as the exporter user while a real worker's heartbeat is published now and then. */
    private static PollResult pollWithWorkersAs(RedisClient admin) throws Exception {
        String url = "redis://celery-exporter:exporter-pw@" + REDIS.host() + ":" + REDIS.port() + "/0";
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("evaluation"),
                Duration.ofSeconds(1), Duration.ofSeconds(30)).withWorkers(WorkersConfig.DEFAULT);
        byte[] heartbeat = Fixtures.celery("event-worker-heartbeat-pubsub.json");
        try (RedisBroker broker = Brokers.connect(url, Duration.ofSeconds(2));
             Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(),
                     PollClock.system())) {
            poller.poll(); // subscribes
            PollResult last = null;
            for (int i = 0; i < 10; i++) {
                admin.publish("/0.celeryev/worker.heartbeat".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        heartbeat);
                Thread.sleep(200);
                last = poller.poll();
            }
            return last;
        }
    }
}
