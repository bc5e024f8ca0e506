package io.celeryexporter.keda;

import io.celeryexporter.autoscaling.keda.ScalerMetric;
import io.celeryexporter.keda.proto.ExternalScalerGrpc;
import io.celeryexporter.keda.proto.GetMetricSpecResponse;
import io.celeryexporter.keda.proto.GetMetricsRequest;
import io.celeryexporter.keda.proto.GetMetricsResponse;
import io.celeryexporter.keda.proto.IsActiveResponse;
import io.celeryexporter.keda.proto.MetricSpec;
import io.celeryexporter.keda.proto.MetricValue;
import io.celeryexporter.keda.proto.ScaledObjectRef;
import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.QueueStats;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * KEDA's {@code externalscaler.ExternalScaler}, answered from the exporter's last poll: a request never reaches
 * Redis, however many KEDA operators and HPA syncs ask.
 */
final class ExternalScalerService extends ExternalScalerGrpc.ExternalScalerImplBase {

    private final ExporterState state;
    private final ActivityStreams streams;

    ExternalScalerService(ExporterState state, ActivityStreams streams) {
        this.state = state;
        this.streams = streams;
    }

    @Override
    public void isActive(ScaledObjectRef ref, StreamObserver<IsActiveResponse> out) {
        answer(out, () -> {
            ScalerRequest request = request(ref);
            return IsActiveResponse.newBuilder().setResult(request.activeAt(value(request))).build();
        });
    }

    @Override
    public void streamIsActive(ScaledObjectRef ref, StreamObserver<IsActiveResponse> out) {
        ScalerRequest request;
        try {
            request = request(ref);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        streams.open(request, (ServerCallStreamObserver<IsActiveResponse>) out, state.fresh());
    }

    @Override
    public void getMetricSpec(ScaledObjectRef ref, StreamObserver<GetMetricSpecResponse> out) {
        answer(out, () -> {
            ScalerRequest request = request(ref);
            return GetMetricSpecResponse.newBuilder().addMetricSpecs(MetricSpec.newBuilder()
                    .setMetricName(request.metricName())
                    .setTargetSize(Math.max(1, Math.round(request.target())))
                    .setTargetSizeFloat(request.target())).build();
        });
    }

    @Override
    public void getMetrics(GetMetricsRequest ask, StreamObserver<GetMetricsResponse> out) {
        answer(out, () -> {
            ScalerRequest request = request(ask.getScaledObjectRef());
            if (!ask.getMetricName().isEmpty() && !ask.getMetricName().equals(request.metricName())) {
                throw Status.NOT_FOUND.withDescription("metric '" + ask.getMetricName() + "': this trigger's is '"
                        + request.metricName() + "'").asRuntimeException();
            }
            double value = value(request);
            return GetMetricsResponse.newBuilder().addMetricValues(MetricValue.newBuilder()
                    .setMetricName(request.metricName())
                    .setMetricValue(Math.round(value))
                    .setMetricValueFloat(value)).build();
        });
    }

    private static ScalerRequest request(ScaledObjectRef ref) {
        try {
            return ScalerRequest.parse(ref.getScalerMetadataMap());
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    /** The metric in the last fresh poll; UNAVAILABLE without one, so that KEDA's fallback, not a guess, decides. */
    private double value(ScalerRequest request) {
        PollResult result = state.fresh().orElseThrow(() -> Status.UNAVAILABLE
                .withDescription("no fresh poll of the broker: " + state.notReadyReason()).asRuntimeException());
        QueueStats q = result.queue(request.queue()).orElseThrow(() -> Status.NOT_FOUND.withDescription("queue '"
                + request.queue() + "' is not among the queues the exporter reads (discovered from the"
                + " _kombu.binding.* sets, or named with --queue)").asRuntimeException());
        Double value = QueueFigures.valueOf(request.metric(), q);
        if (value == null) {
            throw Status.UNAVAILABLE.withDescription("queue '" + request.queue() + "' has no "
                    + request.metric().key() + " now: " + unavailableBecause(request.metric())).asRuntimeException();
        }
        return value;
    }

    private static String unavailableBecause(ScalerMetric metric) {
        return metric == ScalerMetric.BACKLOG
                ? "the worker side is off (--no-collector.workers); use metric length"
                : "it needs the queue's workers online, with their slots known (README, \"What the workers hold\")";
    }

    private interface Answer<T> {
        T get();
    }

    private static <T> void answer(StreamObserver<T> out, Answer<T> answer) {
        T reply;
        try {
            reply = answer.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        out.onNext(reply);
        out.onCompleted();
    }
}
