package io.celeryexporter.bench;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.keda.KedaConfig;
import io.celeryexporter.keda.proto.ExternalScalerGrpc;
import io.celeryexporter.keda.proto.IsActiveResponse;
import io.celeryexporter.keda.proto.ScaledObjectRef;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;

/**
 * How soon KEDA hears of the first task on an idle queue through {@code StreamIsActive}: from the producer's LPUSH
 * to the stream's "true", on a real Redis, with keyspace notifications on and off. Writes bench/KEDA.md.
 * {@code bench/run.sh keda [SAMPLES]}.
 */
public final class KedaPushBench {

    private static final String QUEUE = "evaluation";

    record Row(String setup, Duration poll, List<Double> millis) {
        double percentile(double p) {
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        List<Row> rows = List.of(
                measure("keyspace notifications on (\"lE\")", "lE", Duration.ofSeconds(2), samples),
                measure("keyspace notifications off: the poll that sees the task", "", Duration.ofSeconds(2),
                        Math.max(10, samples / 3)));
        StringBuilder out = new StringBuilder("# KEDA push: from the first task to the stream's \"active\"\n\n")
                .append("`bench/run.sh keda` (").append(KedaPushBench.class.getSimpleName()).append("): a real ")
                .append("redis-server, the exporter serving KEDA's external scaler API (`--keda.listen-address`), ")
                .append("and a gRPC client holding a `StreamIsActive` call on an idle queue, as KEDA's ")
                .append("`external-push` trigger does. Each sample: LPUSH one Celery message, then time until the ")
                .append("stream says `true`; then empty the queue and wait for `false`. Poll interval 2 s.\n\n")
                .append("| setup | samples | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            out.append(String.format("| %s | %d | %.1f | %.1f | %.1f |%n", r.setup(), r.millis().size(),
                    r.percentile(0.5), r.percentile(0.95), r.percentile(1.0)));
        }
        System.out.print(out);
        Files.writeString(Path.of("bench/KEDA-PUSH.md"), out.toString());
    }

    private static Row measure(String setup, String notifications, Duration poll, int samples) throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", notifications);
             RedisClient redis = server.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            celery.declare(QUEUE);
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT,
                    List.of(), poll, Duration.ofSeconds(30), ExporterConfig.TaskBreakdownConfig.OFF)
                    .withFlows(ExporterConfig.Flows.AUTO);
            try (Exporter exporter = Exporter.start(Brokers.connect(server.url(), Duration.ofSeconds(2)),
                    server.url(), config, new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"),
                    WebConfig.NONE, new KedaConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null),
                    "bench")) {
                while (!exporter.state().isReady()) {
                    Thread.sleep(50);
                }
                ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1",
                        exporter.kedaAddress().orElseThrow().getPort(), InsecureChannelCredentials.create()).build();
                BlockingQueue<Boolean> said = new LinkedBlockingQueue<>();
                ExternalScalerGrpc.newStub(channel).streamIsActive(ScaledObjectRef.newBuilder()
                        .putScalerMetadata("queue", QUEUE).putScalerMetadata("metric", "length").build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(IsActiveResponse value) {
                                said.add(value.getResult());
                            }

                            @Override
                            public void onError(Throwable t) {
                                // the channel's shutdown at the end; a failure before shows as a missing answer
                            }

                            @Override
                            public void onCompleted() {}
                        });
                expect(said, false, 30);
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    Thread.sleep((long) (Math.random() * poll.toMillis())); // anywhere between two polls
                    long t0 = System.nanoTime();
                    celery.publish(QUEUE, 0, 1);
                    expect(said, true, 30);
                    millis.add((System.nanoTime() - t0) / 1e6);
                    redis.del(QUEUE);
                    expect(said, false, 30);
                }
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                return new Row(setup, poll, millis);
            }
        }
    }

    private static void expect(BlockingQueue<Boolean> said, boolean value, int seconds) throws Exception {
        Boolean got = said.poll(seconds, TimeUnit.SECONDS);
        if (got == null || got != value) {
            throw new IllegalStateException("expected the stream to say " + value + ", got " + got);
        }
    }
}
