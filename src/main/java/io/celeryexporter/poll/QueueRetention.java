package io.celeryexporter.poll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a discovered queue for a while after its binding vanished. A {@code FLUSHALL}, or a broker restarted without
 * persistence, drops every {@code _kombu.binding.*} set, and nothing binds a queue again until a worker starts or a
 * producer process declares it anew: an autoscaler scaled to zero would lose its metric, and with it its way back up
 * (danihodovic/celery-exporter#260). A kept queue is read as any other, so its depth is its lists' depth: 0 while
 * they are empty, the tasks where a producer pushes without binding. Time is passed in; not thread-safe.
 */
final class QueueRetention {

    private static final Logger LOG = LoggerFactory.getLogger(QueueRetention.class);

    private final Duration keepFor;
    /** When each queue was last seen bound. */
    private final Map<String, Double> lastBound = new HashMap<>();
    private double previousCall = Double.NaN;

    QueueRetention(Duration keepFor) {
        this.keepFor = keepFor;
    }

    /** The queues to read: those bound now, and those bound within the retention; sorted. */
    List<String> queues(List<String> bound, double nowSeconds) {
        TreeSet<String> out = new TreeSet<>(bound);
        double keepSeconds = keepFor.toMillis() / 1000.0;
        List<String> vanished = new ArrayList<>();
        lastBound.entrySet().removeIf(e -> {
            if (out.contains(e.getKey())) {
                return false;
            }
            if (e.getValue() == previousCall) { // bound at the call before: it vanished just now
                vanished.add(e.getKey());
            }
            boolean kept = nowSeconds - e.getValue() < keepSeconds;
            if (kept) {
                out.add(e.getKey());
            }
            return !kept;
        });
        if (!vanished.isEmpty() && keepSeconds > 0) {
            Collections.sort(vanished);
            LOG.warn("the binding of {} queue(s) vanished ({}{}; a FLUSHALL, or a broker restarted without"
                    + " persistence?): still exported, at their lists' depth, for {} unless bound again",
                    vanished.size(), String.join(", ", vanished.subList(0, Math.min(10, vanished.size()))),
                    vanished.size() > 10 ? ", ..." : "", keepFor.toString().substring(2).toLowerCase());
        }
        for (String queue : bound) {
            lastBound.put(queue, nowSeconds);
        }
        previousCall = nowSeconds;
        return List.copyOf(out);
    }
}
