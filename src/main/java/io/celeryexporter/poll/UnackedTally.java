package io.celeryexporter.poll;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.UnackedEntry;
import io.celeryexporter.celery.UndecodableMessageException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts, per queue, the tasks workers hold but have not acknowledged, from kombu's {@code unacked} hash.
 *
 * <p>The hash is shared by every queue in the database, so each value is decoded to find its queue. A value is
 * decoded once, when its delivery tag first appears; later polls only look the tag up. Memory is bounded by the size
 * of the hash, which is at most workers × prefetch (plus ETA tasks).
 */
final class UnackedTally {

    /** Where an unacked message belongs. {@code undecodable} entries count as reserved for their queue. */
    private record Classified(String queue, boolean scheduled) {}

    record Counts(long reserved, long scheduled) {}

    private final MessageDecoder decoder;
    private final UndecodableCounter undecodable;
    private Map<String, Classified> byTag = new HashMap<>();

    UnackedTally(MessageDecoder decoder, UndecodableCounter undecodable) {
        this.decoder = decoder;
        this.undecodable = undecodable;
    }

    /** Re-reads the hash (HSCAN, paged) and returns the counts per queue. */
    Map<String, Counts> read(RedisBroker broker, byte[] unackedKey, long hashLength, RoutingTable routing) {
        Map<String, Classified> seen = new HashMap<>();
        if (hashLength > 0) {
            broker.scanHash(unackedKey, (field, value) -> {
                String tag = new String(field, StandardCharsets.UTF_8);
                Classified known = byTag.get(tag);
                seen.put(tag, known != null ? known : classify(value, routing));
            });
        }
        byTag = seen;
        Map<String, long[]> tallies = new HashMap<>();
        for (Classified c : seen.values()) {
            long[] t = tallies.computeIfAbsent(c.queue(), q -> new long[2]);
            t[c.scheduled() ? 1 : 0]++;
        }
        Map<String, Counts> counts = new HashMap<>();
        tallies.forEach((queue, t) -> counts.put(queue, new Counts(t[0], t[1])));
        return counts;
    }

    private Classified classify(byte[] value, RoutingTable routing) {
        try {
            UnackedEntry entry = decoder.decodeUnacked(value);
            String queue = routing.queueFor(entry.exchange(), entry.routingKey()).orElse(UndecodableCounter.UNKNOWN);
            return new Classified(queue, entry.isScheduled());
        } catch (UndecodableMessageException e) {
            undecodable.record(UndecodableCounter.UNKNOWN, e.getMessage());
            return new Classified(UndecodableCounter.UNKNOWN, false);
        }
    }
}
