package io.celeryexporter.poll;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts messages that could not be decoded, per queue, and logs the first few reasons. */
public final class UndecodableCounter {

    /** The queue label of a value whose queue cannot be told, such as a garbled {@code unacked} entry. */
    public static final String UNKNOWN = "unknown";

    private static final Logger LOG = LoggerFactory.getLogger(UndecodableCounter.class);
    private static final int LOGGED_REASONS = 10;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder logged = new LongAdder();

    public void record(String queue, String reason) {
        counts.computeIfAbsent(queue, q -> new LongAdder()).increment();
        if (logged.sum() < LOGGED_REASONS) {
            logged.increment();
            LOG.warn("skipped an undecodable message in queue '{}': {}", queue, reason);
        }
    }

    /** Current totals, sorted by queue. */
    public Map<String, Long> totals() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((q, c) -> out.put(q, c.sum()));
        return out;
    }
}
