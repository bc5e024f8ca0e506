package io.celeryexporter.keda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.keda.proto.ExternalScalerGrpc;
import io.celeryexporter.keda.proto.GetMetricSpecResponse;
import io.celeryexporter.keda.proto.GetMetricsRequest;
import io.celeryexporter.keda.proto.GetMetricsResponse;
import io.celeryexporter.keda.proto.IsActiveResponse;
import io.celeryexporter.keda.proto.ScaledObjectRef;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.testing.TestCa;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * KEDA's external scaler API on a real exporter reading a real Redis, through a gRPC client built from the same
 * proto: every RPC, the metadata errors, the push on the first task, and an outage.
 */
class ExternalScalerTest {

    static final String QUEUE = "evaluation";

    /** A running exporter with its KEDA port, and a channel to it. */
    record Running(RedisServer redis, Exporter exporter, ManagedChannel channel) implements AutoCloseable {
        ExternalScalerGrpc.ExternalScalerBlockingStub blocking() {
            return ExternalScalerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            exporter.close();
            redis.close();
        }
    }

    static Running start(Duration pollInterval, String notifications) throws Exception {
        return start(pollInterval, notifications, null, InsecureChannelCredentials.create());
    }

    static Running start(Duration pollInterval, String notifications, TlsFiles tls, ChannelCredentials client)
            throws Exception {
        RedisServer redis = RedisServer.start("--notify-keyspace-events", notifications);
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT, List.of(),
                pollInterval, Duration.ofSeconds(30), ExporterConfig.TaskBreakdownConfig.OFF)
                .withFlows(ExporterConfig.Flows.AUTO);
        try (RedisClient c = redis.client()) {
            new CeleryRedis(c).declare(QUEUE);
        }
        KedaConfig keda = tls == null ? new KedaConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null)
                : new KedaConfig(new InetSocketAddress("127.0.0.1", 0), tls.cert(), tls.key(), tls.clientCa());
        Exporter exporter = Exporter.start(Brokers.connect(redis.url(), Duration.ofSeconds(2)), redis.url(), config,
                new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), WebConfig.NONE, keda, "test");
        Eventually.await(Duration.ofSeconds(10), "a first poll", () -> exporter.state().isReady());
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", exporter.kedaAddress().orElseThrow()
                .getPort(), client).build();
        return new Running(redis, exporter, channel);
    }

    record TlsFiles(java.nio.file.Path cert, java.nio.file.Path key, java.nio.file.Path clientCa) {}

    static ScaledObjectRef ref(String... keyValues) {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            metadata.put(keyValues[i], keyValues[i + 1]);
        }
        return ScaledObjectRef.newBuilder().setName("dispatcher").setNamespace("crucible")
                .putAllScalerMetadata(metadata).build();
    }

    @Test
    void everyRpcAnswersFromTheLastPoll() throws Exception {
        try (Running r = start(Duration.ofMillis(200), "lE"); RedisClient redis = r.redis().client()) {
            new CeleryRedis(redis).publish(QUEUE, 0, 3);
            new CeleryRedis(redis).publish(QUEUE, 9, 2);
            // the keys KEDA itself adds to every external trigger's metadata are accepted
            ScaledObjectRef length = ref("queue", QUEUE, "metric", "length", "target", "4", "activationTarget", "4",
                    "scalerAddress", "celery-queue-exporter.crucible:9809", "enableTLS", "false");
            Eventually.await(Duration.ofSeconds(10), "the tasks to be polled", () ->
                    r.blocking().getMetrics(GetMetricsRequest.newBuilder().setScaledObjectRef(length).build())
                            .getMetricValues(0).getMetricValueFloat() == 5);

            GetMetricSpecResponse spec = r.blocking().getMetricSpec(length);
            assertEquals(1, spec.getMetricSpecsCount());
            assertEquals("celery-length-evaluation", spec.getMetricSpecs(0).getMetricName());
            assertEquals(4.0, spec.getMetricSpecs(0).getTargetSizeFloat());
            assertEquals(4, spec.getMetricSpecs(0).getTargetSize());

            GetMetricsResponse metrics = r.blocking().getMetrics(GetMetricsRequest.newBuilder()
                    .setScaledObjectRef(length).setMetricName("celery-length-evaluation").build());
            assertEquals("celery-length-evaluation", metrics.getMetricValues(0).getMetricName());
            assertEquals(5.0, metrics.getMetricValues(0).getMetricValueFloat(), "both priorities' lists");
            assertEquals(5, metrics.getMetricValues(0).getMetricValue());

            assertTrue(r.blocking().isActive(length).getResult(), "5 > activationTarget 4");
            assertFalse(r.blocking().isActive(ref("queue", QUEUE, "metric", "length", "activationTarget", "5"))
                    .getResult(), "5 is not above 5");
            assertStatus(Status.Code.UNAVAILABLE, "queue 'evaluation' has no required_replicas now: it needs the"
                    + " queue's workers online", () -> r.blocking().getMetrics(GetMetricsRequest.newBuilder()
                    .setScaledObjectRef(ref("queue", QUEUE, "metric", "required_replicas")).build()));
            GetMetricSpecResponse defaults = r.blocking().getMetricSpec(ref("queue", QUEUE));
            assertEquals("celery-backlog-evaluation", defaults.getMetricSpecs(0).getMetricName(), "backlog by default");
            assertEquals(50.0, defaults.getMetricSpecs(0).getTargetSizeFloat(), "keda/load.yaml's backlog target");
        }
    }

    @Test
    void badMetadataIsRefusedNamingTheKey() throws Exception {
        try (Running r = start(Duration.ofMillis(200), "lE")) {
            assertStatus(Status.Code.INVALID_ARGUMENT, "unknown metadata key 'queueName'",
                    () -> r.blocking().isActive(ref("queueName", QUEUE)));
            assertStatus(Status.Code.INVALID_ARGUMENT, "metadata key 'queue' is required",
                    () -> r.blocking().getMetricSpec(ref("metric", "length")));
            assertStatus(Status.Code.INVALID_ARGUMENT, "metadata key 'metric': metric 'depth' is not one of backlog,"
                    + " length, oldest_age, load, required_replicas",
                    () -> r.blocking().isActive(ref("queue", QUEUE, "metric", "depth")));
            assertStatus(Status.Code.INVALID_ARGUMENT, "metadata key 'target' must be a number, not 'ten'",
                    () -> r.blocking().getMetricSpec(ref("queue", QUEUE, "target", "ten")));
            assertStatus(Status.Code.INVALID_ARGUMENT, "metadata key 'activationTarget' must be a number",
                    () -> r.blocking().isActive(ref("queue", QUEUE, "activationTarget", "")));
            assertStatus(Status.Code.NOT_FOUND, "queue 'nonesuch' is not among the queues the exporter reads",
                    () -> r.blocking().isActive(ref("queue", "nonesuch", "metric", "length")));
            assertStatus(Status.Code.UNAVAILABLE, "queue 'evaluation' has no backlog now: the worker side is off",
                    () -> r.blocking().isActive(ref("queue", QUEUE)));
            // a stream with bad metadata ends at once, with the same error
            BlockingQueue<Object> said = new LinkedBlockingQueue<>();
            ExternalScalerGrpc.newStub(r.channel()).streamIsActive(ref("queue", QUEUE, "metric", "nope"),
                    recorder(said));
            Object first = said.poll(10, TimeUnit.SECONDS);
            assertTrue(first instanceof StatusRuntimeException e
                    && e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT, String.valueOf(first));

            // the exporter's own metrics count each call as it ended
            Metrics m = Metrics.parse(Http.get("http://127.0.0.1:" + r.exporter().address().getPort() + "/metrics")
                    .body());
            String calls = "celery_exporter_keda_calls_total";
            assertEquals(3, m.value(calls + "{code=\"INVALID_ARGUMENT\",method=\"IsActive\"}").orElseThrow());
            assertEquals(2, m.value(calls + "{code=\"INVALID_ARGUMENT\",method=\"GetMetricSpec\"}").orElseThrow());
            assertEquals(1, m.value(calls + "{code=\"INVALID_ARGUMENT\",method=\"StreamIsActive\"}").orElseThrow());
            assertEquals(1, m.value(calls + "{code=\"NOT_FOUND\",method=\"IsActive\"}").orElseThrow());
            assertEquals(1, m.value(calls + "{code=\"UNAVAILABLE\",method=\"IsActive\"}").orElseThrow());
            assertEquals(0, m.value("celery_exporter_keda_streams").orElseThrow(), "the refused stream is not open");
        }
    }

    private static void assertStatus(Status.Code code, String message, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
    }

    /** Records what a stream says: each answer, then an error or "completed". */
    private static StreamObserver<IsActiveResponse> recorder(BlockingQueue<Object> said) {
        return new StreamObserver<>() {
            @Override
            public void onNext(IsActiveResponse value) {
                said.add(value.getResult());
            }

            @Override
            public void onError(Throwable t) {
                said.add(t);
            }

            @Override
            public void onCompleted() {
                said.add("completed");
            }
        };
    }

    /**
     * With keyspace notifications the first task wakes the stream without waiting for a poll: polls are 60 s apart
     * here, so an answer within 10 s can only have come from the event. (How soon: bench/KEDA.md.)
     */
    @Test
    void theFirstTaskIsPushedAtOnceWithKeyspaceNotifications() throws Exception {
        try (Running r = start(Duration.ofSeconds(60), "lE"); RedisClient redis = r.redis().client()) {
            BlockingQueue<Object> said = new LinkedBlockingQueue<>();
            ExternalScalerGrpc.newStub(r.channel()).streamIsActive(ref("queue", QUEUE, "metric", "length"),
                    recorder(said));
            assertEquals(false, said.poll(10, TimeUnit.SECONDS), "the idle queue, said on opening");
            Eventually.await(Duration.ofSeconds(10), "the stream to be open",
                    () -> r.exporter().kedaStreams() == 1);
            double pollBefore = r.exporter().state().latest().orElseThrow().takenAt().monotonicSeconds();
            new CeleryRedis(redis).publish(QUEUE, 0, 1);
            assertEquals(true, said.poll(10, TimeUnit.SECONDS), "the first task");
            assertEquals(pollBefore, r.exporter().state().latest().orElseThrow().takenAt().monotonicSeconds(),
                    "no poll in between: the keyspace event said it");
            new CeleryRedis(redis).publish(QUEUE, 0, 5);
            assertNull(said.poll(1, TimeUnit.SECONDS), "more tasks change nothing: it said active already");
            Metrics m = Metrics.parse(Http.get("http://127.0.0.1:" + r.exporter().address().getPort() + "/metrics")
                    .body());
            assertEquals(1, m.value("celery_exporter_keda_streams").orElseThrow());
            assertEquals(1, m.value("celery_exporter_keda_stream_answers_total{active=\"false\"}").orElseThrow());
            assertEquals(1, m.value("celery_exporter_keda_stream_answers_total{active=\"true\"}").orElseThrow());
        }
    }

    /** Without keyspace notifications the poll that sees the task says it; and it says so again as activity ends. */
    @Test
    void withoutNotificationsThePollSaysItAndEveryChangeIsPushed() throws Exception {
        try (Running r = start(Duration.ofMillis(300), ""); RedisClient redis = r.redis().client()) {
            BlockingQueue<Object> said = new LinkedBlockingQueue<>();
            ExternalScalerGrpc.newStub(r.channel()).streamIsActive(ref("queue", QUEUE, "metric", "length"),
                    recorder(said));
            assertEquals(false, said.poll(10, TimeUnit.SECONDS));
            new CeleryRedis(redis).publish(QUEUE, 0, 2);
            assertEquals(true, said.poll(10, TimeUnit.SECONDS));
            redis.del(QUEUE); // the workers took them
            assertEquals(false, said.poll(10, TimeUnit.SECONDS), "inactive again");
            assertNull(said.poll(1, TimeUnit.SECONDS), "nothing more while nothing changes");
        }
    }

    /** A broker outage: the stream holds its last answer and says nothing false; the unary calls say UNAVAILABLE. */
    @Test
    void anOutageHoldsTheLastAnswer() throws Exception {
        try (Running r = start(Duration.ofMillis(200), "lE"); RedisClient redis = r.redis().client()) {
            new CeleryRedis(redis).publish(QUEUE, 0, 2);
            BlockingQueue<Object> said = new LinkedBlockingQueue<>();
            Eventually.await(Duration.ofSeconds(10), "the tasks to be polled", () -> r.blocking()
                    .isActive(ref("queue", QUEUE, "metric", "length")).getResult());
            ExternalScalerGrpc.newStub(r.channel()).streamIsActive(ref("queue", QUEUE, "metric", "length"),
                    recorder(said));
            assertEquals(true, said.poll(10, TimeUnit.SECONDS));
            r.redis().kill();
            Eventually.await(Duration.ofSeconds(10), "the figures to go stale",
                    () -> r.exporter().state().fresh().isEmpty());
            assertStatus(Status.Code.UNAVAILABLE, "no fresh poll of the broker",
                    () -> r.blocking().isActive(ref("queue", QUEUE, "metric", "length")));
            assertStatus(Status.Code.UNAVAILABLE, "no fresh poll of the broker", () -> r.blocking().getMetrics(
                    GetMetricsRequest.newBuilder().setScaledObjectRef(ref("queue", QUEUE, "metric", "length"))
                            .build()));
            assertNull(said.poll(2, TimeUnit.SECONDS), "nothing said during the outage");
            assertEquals(1, r.exporter().kedaStreams(), "the stream stays open");

            // back, without persistence: the tasks are gone, the queue is kept (its binding vanished with them)
            r.redis().restart();
            assertEquals(false, said.poll(30, TimeUnit.SECONDS), "the same stream says what the broker says now");
            assertFalse(r.blocking().isActive(ref("queue", QUEUE, "metric", "length")).getResult());
            try (RedisClient again = r.redis().client()) { // the old client's connections died with the server
                new CeleryRedis(again).publish(QUEUE, 0, 1);
            }
            assertEquals(true, said.poll(30, TimeUnit.SECONDS), "and follows it again");
        }
    }

    /**
     * A hundred KEDA streams, and a client that opens one and never reads: the others get every change, and the
     * exporter's /metrics still answers.
     */
    @Test
    void aHundredStreamsAndOneThatNeverReads() throws Exception {
        try (Running r = start(Duration.ofMillis(200), "lE"); RedisClient redis = r.redis().client()) {
            ScaledObjectRef length = ref("queue", QUEUE, "metric", "length");
            ClientCall<ScaledObjectRef, IsActiveResponse> stalled = r.channel().newCall(
                    ExternalScalerGrpc.getStreamIsActiveMethod(), CallOptions.DEFAULT);
            stalled.start(new ClientCall.Listener<>() {}, new Metadata()); // and never request(): it reads nothing
            stalled.sendMessage(length);
            stalled.halfClose();
            List<BlockingQueue<Object>> streams = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                BlockingQueue<Object> said = new LinkedBlockingQueue<>();
                ExternalScalerGrpc.newStub(r.channel()).streamIsActive(length, recorder(said));
                streams.add(said);
            }
            Eventually.await(Duration.ofSeconds(30), "101 streams open", () -> r.exporter().kedaStreams() == 101);
            for (BlockingQueue<Object> said : streams) {
                assertEquals(false, said.poll(10, TimeUnit.SECONDS));
            }
            String metrics = "http://127.0.0.1:" + r.exporter().address().getPort() + "/metrics";
            for (int round = 0; round < 10; round++) {
                new CeleryRedis(redis).publish(QUEUE, 0, 1);
                for (BlockingQueue<Object> said : streams) {
                    assertEquals(true, said.poll(10, TimeUnit.SECONDS), "round " + round);
                }
                redis.del(QUEUE);
                for (BlockingQueue<Object> said : streams) {
                    assertEquals(false, said.poll(10, TimeUnit.SECONDS), "round " + round);
                }
                long start = System.nanoTime();
                assertEquals(200, Http.get(metrics).statusCode());
                System.out.printf("round %d: /metrics answered in %.1f ms beside 101 streams%n", round,
                        (System.nanoTime() - start) / 1e6);
            }
            stalled.cancel("done", null);
        }
    }

    @Test
    void tlsWithClientCertificates() throws Exception {
        TestCa ca = new TestCa();
        TestCa.Issued server = ca.issue("scaler", "DNS:localhost,IP:127.0.0.1");
        TestCa.Issued keda = ca.issue("keda", "DNS:keda-operator");
        TlsFiles files = new TlsFiles(server.cert(), server.key(), ca.caCert());
        ChannelCredentials withCert = TlsChannelCredentials.newBuilder().trustManager(ca.caCert().toFile())
                .keyManager(keda.cert().toFile(), keda.key().toFile()).build();
        try (Running r = start(Duration.ofMillis(200), "lE", files, withCert)) {
            assertFalse(r.blocking().isActive(ref("queue", QUEUE, "metric", "length")).getResult());
            ManagedChannel noCert = Grpc.newChannelBuilderForAddress("localhost",
                    r.exporter().kedaAddress().orElseThrow().getPort(),
                    TlsChannelCredentials.newBuilder().trustManager(ca.caCert().toFile()).build()).build();
            try {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ExternalScalerGrpc
                        .newBlockingStub(noCert).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .isActive(ref("queue", QUEUE, "metric", "length")));
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "the handshake is refused: " + e);
                TestCa other = new TestCa();
                TestCa.Issued stranger = other.issue("stranger", "DNS:keda-operator");
                ManagedChannel wrongCert = Grpc.newChannelBuilderForAddress("localhost",
                        r.exporter().kedaAddress().orElseThrow().getPort(), TlsChannelCredentials.newBuilder()
                                .trustManager(ca.caCert().toFile())
                                .keyManager(stranger.cert().toFile(), stranger.key().toFile()).build()).build();
                try {
                    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () ->
                            ExternalScalerGrpc.newBlockingStub(wrongCert).withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .isActive(ref("queue", QUEUE, "metric", "length")));
                    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(),
                            "a certificate from another CA is refused: " + refused);
                } finally {
                    wrongCert.shutdownNow();
                }
                ManagedChannel plain = Grpc.newChannelBuilderForAddress("localhost",
                        r.exporter().kedaAddress().orElseThrow().getPort(), InsecureChannelCredentials.create())
                        .build();
                try {
                    assertThrows(StatusRuntimeException.class, () -> ExternalScalerGrpc.newBlockingStub(plain)
                            .withDeadlineAfter(10, TimeUnit.SECONDS).isActive(ref("queue", QUEUE)));
                } finally {
                    plain.shutdownNow();
                }
            } finally {
                noCert.shutdownNow();
            }
        }
    }
}
