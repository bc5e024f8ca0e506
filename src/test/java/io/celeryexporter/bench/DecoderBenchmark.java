package io.celeryexporter.bench;

import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.TaskMessage;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.testing.Fixtures;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Nanoseconds per message for the streaming decoder, on the real Celery 5.2.6 fixtures. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecoderBenchmark {

    @Param({"v2-json-default.json", "v2-pickle-body.json", "v2-countdown-expires.json",
        "v2-before_task_publish-header.json", "v1-json.json"})
    public String fixture;

    private byte[] raw;
    private final MessageDecoder decoder = new MessageDecoder(List.of("x_published_at",
            MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER));

    @Setup
    public void load() {
        raw = Fixtures.celery(fixture);
    }

    @Benchmark
    public TaskMessage decode() throws UndecodableMessageException {
        return decoder.decode(raw);
    }
}
