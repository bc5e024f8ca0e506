package io.celeryexporter.poll;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.UnackedEntry;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.workers.HeldEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads, per queue, the tasks workers hold but have not acknowledged, from kombu's {@code unacked} hash and, for
 * when each was received, its {@code unacked_index}.
 *
 * <p>The hash is shared by every queue in the database, so each value is decoded to find its queue. A value is
 * decoded once, when its delivery tag first appears; later polls only look the tag up. Memory is bounded by the size
 * of the hash, which is at most workers × prefetch (plus ETA tasks).
 */
final class UnackedTally {

    /** Where an unacked message belongs. {@code undecodable} entries count as reserved for their queue. */
    private record Classified(String queue, String taskId, boolean scheduled) {}

    /** One queue's unacked entries. */
    record Held(List<HeldEntry> entries) {
        static final Held NONE = new Held(List.of());

        long scheduled() {
            return entries.stream().filter(HeldEntry::scheduled).count();
        }

        long reserved() {
            return entries.size() - scheduled();
        }
    }

    private final MessageDecoder decoder;
    private final UndecodableCounter undecodable;
    private Map<String, Classified> byTag = new HashMap<>();

    UnackedTally(MessageDecoder decoder, UndecodableCounter undecodable) {
        this.decoder = decoder;
        this.undecodable = undecodable;
    }

    /**
     * Re-reads the hash (HSCAN, paged) and, when {@code receiptTimes}, the index (ZSCAN, paged); returns the entries
     * per queue.
     */
    Map<String, Held> read(RedisBroker broker, KeyNaming naming, long hashLength, RoutingTable routing,
                           boolean receiptTimes) {
        Map<String, Classified> seen = new HashMap<>();
        Map<String, Double> receivedAt = new HashMap<>();
        if (hashLength > 0) {
            broker.scanHash(naming.unackedKey(), (field, value) -> {
                String tag = new String(field, StandardCharsets.UTF_8);
                Classified known = byTag.get(tag);
                seen.put(tag, known != null ? known : classify(value, routing));
            });
            if (receiptTimes) {
                broker.scanSortedSet(naming.unackedIndexKey(),
                        (member, score) -> receivedAt.put(new String(member, StandardCharsets.UTF_8), score));
            }
        }
        byTag = seen;
        Map<String, List<HeldEntry>> entries = new HashMap<>();
        seen.forEach((tag, c) -> entries.computeIfAbsent(c.queue(), q -> new ArrayList<>())
                .add(new HeldEntry(c.taskId(), receivedAt.getOrDefault(tag, Double.NaN), c.scheduled())));
        Map<String, Held> out = new HashMap<>();
        entries.forEach((queue, list) -> out.put(queue, new Held(list)));
        return out;
    }

    private Classified classify(byte[] value, RoutingTable routing) {
        try {
            UnackedEntry entry = decoder.decodeUnacked(value);
            String queue = routing.queueFor(entry.exchange(), entry.routingKey()).orElse(UndecodableCounter.UNKNOWN);
            return new Classified(queue, entry.message().taskId(), entry.isScheduled());
        } catch (UndecodableMessageException e) {
            undecodable.record(UndecodableCounter.UNKNOWN, e.getMessage());
            return new Classified(UndecodableCounter.UNKNOWN, null, false);
        }
    }
}
