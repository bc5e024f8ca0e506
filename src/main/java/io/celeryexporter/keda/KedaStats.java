package io.celeryexporter.keda;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the KEDA port has served, for the exporter's own metrics: calls by method and status code (counted as each
 * ends, by an interceptor, so errors count too), the streams open now, and what they said.
 */
public final class KedaStats implements ServerInterceptor {

    /** A method and the status its call ended with. */
    public record Call(String method, String code) {}

    private final Map<Call, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder saidActive = new LongAdder();
    private final LongAdder saidInactive = new LongAdder();
    private volatile ActivityStreams streams;

    void streams(ActivityStreams open) {
        streams = open;
    }

    void said(boolean active) {
        (active ? saidActive : saidInactive).increment();
    }

    /** Calls ended so far, by method and status code; sorted. */
    public Map<Call, Long> calls() {
        Map<Call, Long> out = new TreeMap<>((a, b) -> a.method().equals(b.method()) ? a.code().compareTo(b.code())
                : a.method().compareTo(b.method()));
        calls.forEach((call, n) -> out.put(call, n.sum()));
        return out;
    }

    public int openStreams() {
        ActivityStreams open = streams;
        return open == null ? 0 : open.size();
    }

    /** Answers said on StreamIsActive streams, true or false. */
    public long said(String active) {
        return active.equals("true") ? saidActive.sum() : saidInactive.sum();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                calls.computeIfAbsent(new Call(method, status.getCode().name()), k -> new LongAdder()).increment();
                super.close(status, trailers);
            }
        }, headers);
    }
}
