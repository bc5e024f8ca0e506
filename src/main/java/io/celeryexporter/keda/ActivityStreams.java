package io.celeryexporter.keda;

import io.celeryexporter.keda.proto.IsActiveResponse;
import io.celeryexporter.poll.PollResult;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code StreamIsActive} calls of {@code external-push} triggers. Each says "active" or "inactive" when its
 * answer changes: at every poll, and at once when a task arrives on an idle queue (keyspace notifications), which
 * is what wakes a pool at zero without waiting for any poll. While the broker is unreachable nothing is said: the
 * last answer holds, and nothing false is pushed.
 */
final class ActivityStreams {

    /** One stream; its observer is not thread-safe, and the poll and the events both push: guarded by itself. */
    private final class Stream {
        final ScalerRequest request;
        final ServerCallStreamObserver<IsActiveResponse> out;
        Boolean said;
        Boolean wanted;
        /** The metric at the last poll, plus the arrivals announced since; NaN until a poll had a value. */
        double value = Double.NaN;

        Stream(ScalerRequest request, ServerCallStreamObserver<IsActiveResponse> out) {
            this.request = request;
            this.out = out;
        }

        synchronized void polled(double polledValue) {
            value = polledValue;
            say(request.activeAt(value));
        }

        synchronized void arrived() {
            if (Double.isNaN(value)) {
                return;
            }
            value += 1;
            if (!Boolean.TRUE.equals(said) && request.activeAt(value)) {
                say(true);
            }
        }

        /**
         * Says it, unless it was the last thing said. A client that does not read (its flow-control window full)
         * is not sent more: the latest answer waits for it, and the others' streams go on.
         */
        private void say(boolean active) {
            wanted = active;
            if (out.isCancelled() || !out.isReady() || said != null && said == active) {
                return;
            }
            try {
                out.onNext(IsActiveResponse.newBuilder().setResult(active).build());
                said = active;
                stats.said(active);
            } catch (RuntimeException closedMeanwhile) {
                // KEDA hung up between the check and the send: its cancel handler removes the stream
            }
        }

        /** The client read again: say what it missed, if it still differs. */
        synchronized void ready() {
            if (wanted != null) {
                say(wanted);
            }
        }
    }

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final KedaStats stats;

    ActivityStreams(KedaStats stats) {
        this.stats = stats;
        stats.streams(this);
    }

    /** Opens a stream, and says at once what the current figures say, where they say anything. */
    void open(ScalerRequest request, ServerCallStreamObserver<IsActiveResponse> out, Optional<PollResult> current) {
        Stream stream = new Stream(request, out);
        out.setOnCancelHandler(() -> open.remove(stream));
        out.setOnReadyHandler(stream::ready);
        open.add(stream);
        current.ifPresent(result -> polled(stream, result));
    }

    int size() {
        return open.size();
    }

    void onPoll(PollResult result) {
        for (Stream stream : open) {
            polled(stream, result);
        }
    }

    void onArrival(String queue) {
        for (Stream stream : open) {
            if (stream.request.queue().equals(queue) && stream.request.metric().countsArrivals()) {
                stream.arrived();
            }
        }
    }

    private void polled(Stream stream, PollResult result) {
        result.queue(stream.request.queue()).map(q -> QueueFigures.valueOf(stream.request.metric(), q))
                .ifPresent(stream::polled);
    }

    /** Ends every stream, as the exporter stops: KEDA opens them again on the next replica. */
    void closeAll() {
        for (Stream stream : open) {
            synchronized (stream) {
                try {
                    stream.out.onCompleted();
                } catch (RuntimeException alreadyClosed) {
                    // cancelled by KEDA meanwhile: nothing to end
                }
            }
        }
        open.clear();
    }
}
