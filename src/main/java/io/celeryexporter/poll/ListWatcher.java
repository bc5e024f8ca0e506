package io.celeryexporter.poll;

import io.celeryexporter.broker.ListEvent;
import io.celeryexporter.broker.ListProbe;
import io.celeryexporter.broker.ListReading;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.TaskMessage;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.tracking.ListObservation;
import io.celeryexporter.tracking.ListTracker;
import io.celeryexporter.tracking.PollTime;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Follows one Redis list between polls: builds its probe for the next snapshot and turns the snapshot's reading into a
 * {@link ListObservation} for its {@link ListTracker}.
 *
 * <p>Arrivals are found by where the previous poll's newest element now stands ({@code LPOS … MAXLEN}, inside the
 * snapshot). If it is not within the search limit and the list is longer than that, one {@code LPOS} without a limit
 * runs after the snapshot; it stops at the element, so it costs the number of arrivals, and when the element is gone
 * the list holds only arrivals anyway. It reads the snapshot's newest element's position in the same call, since
 * pushes made after the snapshot would otherwise count as arrivals of this poll, and the breakdown would read older
 * elements as new ones.
 *
 * <p>With keyspace notifications the tracker follows the list's events instead ({@link #replay}); the snapshot then
 * checks them. The length the events give must match the snapshot's at some point between the last event received
 * before it was sent and the last one received after it: where the snapshot fell among those is unknown.
 */
final class ListWatcher {

    static final int SEARCH_LIMIT = 1000;
    /**
     * How many newest elements the re-read of a quiet list searches for its last newest element, known by fingerprint
     * only; a deeper one is found by {@link RedisBroker#positionSince(byte[], java.util.function.Predicate, byte[])}.
     */
    static final int QUIET_SEARCH = 16;

    private final byte[] key;
    private final String queue;
    private final ListTracker tracker = new ListTracker();
    private final TaskBreakdown breakdown;
    private boolean seen;
    private boolean everHeldTasks;
    private long lastLength;
    private long lastArrivals;
    /** How far from the newest end the last probe looked for the last newest element. */
    private int window = SEARCH_LIMIT;
    /**
     * The newest element at the last poll, for {@code LPOS}; null when the list was empty, or quiet: an unchanged list
     * keeps only {@link #newestFingerprint}, since at thousands of idle backlogs these copies were a third of the heap.
     */
    private byte[] lastNewest;
    private long newestFingerprint;
    /**
     * A 64-bit fingerprint of the oldest element, to tell whether the head changed without keeping its bytes: at
     * thousands of lists, a copy of every head would cost more memory than everything else the exporter keeps.
     */
    private long headFingerprint;
    private boolean hasHead;
    private TaskMessage head;
    /** The current head's clock skew is counted already: once per message, not once per poll. */
    private boolean skewCounted;
    /** The subscription epoch of the last observation from events whose snapshot was synced; -1 otherwise. */
    private long eventEpoch = -1;
    /** The last poll found the list as the one before left it: this poll probes it cheaply ({@link #probe}). */
    private boolean unchangedLastPoll;
    private boolean countsExact;
    private String eventKey;

    /** @param breakdown per-task-name counts to keep in step with the list, or null when not wanted */
    ListWatcher(byte[] key, String queue, TaskBreakdown breakdown) {
        this.key = key;
        this.queue = queue;
        this.breakdown = breakdown;
    }

    /**
     * What the snapshot reads of this list, from what the last poll found:
     * <ul>
     *   <li>empty: its length only. If it has filled since, {@link #reread()} reads it again, whole, and every
     *       element in it is an arrival;</li>
     *   <li>unchanged since the poll before: its length and oldest element, two commands. Workers take from the
     *       oldest end and kombu restores there, so the same oldest element and the same length mean nothing arrived
     *       or left (Celery never pops the newest end). Otherwise {@link #reread()} reads where the last newest
     *       element stands. An idle backlog, the common case at thousands of queues, costs two commands a list;</li>
     *   <li>changed: its length, where the last newest element now stands and both ends, at once.</li>
     * </ul>
     *
     * @param lpos the broker has {@code LPOS}; without it the snapshot reads the newest elements instead, as many as
     *             twice the last poll's arrivals (at least 16, at most {@link #SEARCH_LIMIT}), to keep its cost in
     *             step with the traffic
     */
    ListProbe probe(boolean lpos) {
        window = lpos ? SEARCH_LIMIT : (int) Math.min(SEARCH_LIMIT, Math.max(16, 2 * lastArrivals));
        if (wasEmpty()) {
            return ListProbe.length(key);
        }
        if (unchangedLastPoll) {
            return ListProbe.lengthAndOldest(key);
        }
        return lastNewest == null ? ListProbe.ends(key) : ListProbe.anchored(key, lastNewest, window);
    }

    /** Whether a reading of {@link #probe} lacks what it needs, so {@link #reread()} must be read. */
    boolean needsReread(ListReading reading) {
        if (wasEmpty()) {
            return reading.length() != 0;
        }
        return unchangedLastPoll && reading.length() != 0 && !unchangedSince(reading);
    }

    /** The same length and the same oldest element as at the last poll. */
    private boolean unchangedSince(ListReading reading) {
        return reading.length() == lastLength && reading.oldest() != null && hasHead
                && fingerprint(reading.oldest()) == headFingerprint;
    }

    /** Seen before, and empty then. */
    private boolean wasEmpty() {
        return seen && lastLength == 0;
    }

    /** The probe for a list that changed in a way its cheap probe cannot count: read in full, atomically. */
    ListProbe reread() {
        if (wasEmpty()) {
            return ListProbe.ends(key);
        }
        if (lastNewest != null) {
            return ListProbe.anchored(key, lastNewest, window);
        }
        window = QUIET_SEARCH;
        return ListProbe.matched(key, this::isLastNewest, window);
    }

    private boolean isLastNewest(byte[] element) {
        return fingerprint(element) == newestFingerprint;
    }

    /** A reading of the cheap probe of an unchanged list, completed: the last newest element is still newest. */
    private ListReading completed(ListReading reading) {
        if (unchangedLastPoll && reading.newest() == null && reading.length() > 0) {
            return new ListReading(reading.length(), 0L, lastNewest, reading.oldest());
        }
        return reading;
    }

    /** @param events this list's keyspace events since the last observation, or null when the poll uses none */
    ListTracker.View observe(ListReading reading, RedisBroker broker, MessageDecoder decoder,
                             PollCounters counters, PollTime now, TaskBreakdown.Budget budget, PendingEvents events) {
        reading = completed(reading);
        long length = reading.length();
        boolean newHead = readHead(reading.oldest(), decoder, counters.undecodable());
        double headTime = Double.NaN;
        boolean notDue = false;
        boolean headTimeIsArrival = false;
        if (head != null && length > 0) {
            if (head.hasEta()) {
                notDue = head.eta() > now.wallSeconds();
                headTime = head.eta(); // ETA tasks wait from their ETA, not from publish
            } else if (head.hasPublishedAt()) {
                headTime = head.publishedAt();
                headTimeIsArrival = !head.redelivered();
            }
        }
        long arrivals = seen ? arrivals(reading, broker) : -1;
        lastArrivals = Math.max(arrivals, 0);
        ListObservation observation = new ListObservation(length, arrivals, headTime, notDue, headTimeIsArrival);
        if (breakdown != null) {
            // kombu restores push back at the consuming end, as redelivered messages: arrivals cannot place them
            boolean restored = seen && (lastLength + arrivals - length < 0
                    || (newHead && head != null && head.redelivered()));
            breakdown.update(length, arrivals, length > 0 ? reading.newest() : null, restored, broker, budget);
        }
        ListTracker.View view;
        if (events == null || !seen) {
            view = tracker.update(observation, now); // a first look: the snapshot holds what the events did so far
            countsExact = false;
        } else {
            boolean consistent = replay(events, length, now.monotonicSeconds());
            if (!consistent) {
                counters.flows().recordMismatch();
            }
            countsExact = consistent && events.synced() && events.epoch() == eventEpoch;
            view = tracker.viewAt(observation, now);
        }
        eventEpoch = events != null && events.synced() ? events.epoch() : -1;
        boolean unchanged = seen && length > 0 && arrivals == 0 && length == lastLength && !newHead;
        remember(reading, unchanged);
        seen = true;
        everHeldTasks |= length > 0 || view.enqueued() > 0; // with events, a list that fills and drains in between
        lastLength = length;
        if (newHead) {
            skewCounted = false;
        }
        if (view.headTimeClamped() && !skewCounted) {
            counters.clockSkew().record(queue, headTime, now.wallSeconds());
            skewCounted = true;
        }
        return view;
    }

    /**
     * Keeps what the next poll needs of the newest element. A quiet list keeps its fingerprint only, unless the task
     * breakdown, which anchors its own reads on the element, is on.
     */
    private void remember(ListReading reading, boolean unchanged) {
        unchangedLastPoll = unchanged;
        if (reading.length() == 0) {
            lastNewest = null;
        } else if (reading.newest() != null && reading.newest() != lastNewest) {
            newestFingerprint = fingerprint(reading.newest());
            lastNewest = unchanged && breakdown == null ? null : reading.newest();
        } // else a quiet list read cheaply: its newest is the one before, its fingerprint known (and its bytes kept,
          // the very array, when the breakdown is on)
    }

    /**
     * Feeds the events to the tracker and checks them against the snapshot's length; where no point among them
     * matches it, some went missing, and the tracker is brought in line with the snapshot (plus what the events
     * after the closest point changed). Returns whether they matched.
     */
    private boolean replay(PendingEvents pending, long snapshotLength, double now) {
        List<ListEvent> events = pending.events();
        // the model's length at each point where the snapshot may have fallen: after the events received before it
        // was sent, then after each one received later
        long length = tracker.length();
        for (int i = 0; i < pending.certain(); i++) {
            length = lengthAfter(length, events.get(i).kind());
        }
        long closest = length;
        for (int i = pending.certain(); i < events.size(); i++) {
            length = lengthAfter(length, events.get(i).kind());
            if (Math.abs(length - snapshotLength) < Math.abs(closest - snapshotLength)) {
                closest = length;
            }
        }
        for (ListEvent e : events) {
            switch (e.kind()) {
                case PUSHED_NEWEST -> tracker.pushed(e.at());
                case PUSHED_OLDEST -> tracker.restored(e.at());
                case POPPED_OLDEST -> tracker.popped(e.at());
                case POPPED_NEWEST -> tracker.poppedNewest(e.at());
            }
        }
        boolean matched = closest == snapshotLength;
        if (!matched) {
            tracker.correct(Math.max(0, snapshotLength + (length - closest)), now);
        }
        return matched;
    }

    /** The tracker's length after one event; a pop of an empty model changes nothing, as in the tracker. */
    private static long lengthAfter(long length, ListEvent.Kind kind) {
        return switch (kind) {
            case PUSHED_NEWEST, PUSHED_OLDEST -> length + 1;
            case POPPED_OLDEST, POPPED_NEWEST -> Math.max(0, length - 1);
        };
    }

    /** Whether the last observation counted arrivals, departures and waits from complete events. */
    boolean countsExact() {
        return countsExact;
    }

    /** Made on first use: only keyspace events need it, once per poll, at thousands of lists. */
    String eventKey() {
        if (eventKey == null) {
            eventKey = eventKey(key);
        }
        return eventKey;
    }

    /** A list key as the keyspace events name it: its bytes as ISO-8859-1 characters. */
    static String eventKey(byte[] key) {
        return new String(key, StandardCharsets.ISO_8859_1);
    }

    private long arrivals(ListReading reading, RedisBroker broker) {
        long length = reading.length();
        if (lastLength == 0) {
            return length; // empty at the last poll: everything is new
        }
        if (reading.positionOfLastNewest() != null) {
            return reading.positionOfLastNewest();
        }
        if (length <= window) {
            return length; // the previous newest is gone, so every earlier element is gone too
        }
        // outside the snapshot: producers may have pushed since, so count only up to the snapshot's newest element
        Long position = lastNewest != null ? broker.positionSince(key, lastNewest, reading.newest())
                : broker.positionSince(key, this::isLastNewest, reading.newest());
        return position == null ? length : Math.min(position, length);
    }

    /** Decodes the oldest element unless it is the same as last poll's; returns whether it changed. */
    private boolean readHead(byte[] oldest, MessageDecoder decoder, UndecodableCounter undecodable) {
        if (oldest == null) {
            hasHead = false;
            head = null;
            return false;
        }
        long fingerprint = fingerprint(oldest);
        if (hasHead && fingerprint == headFingerprint) {
            return false; // decoded already (or known undecodable)
        }
        hasHead = true;
        headFingerprint = fingerprint;
        try {
            head = decoder.decode(oldest);
        } catch (UndecodableMessageException e) {
            head = null;
            undecodable.record(queue, e.getMessage());
        }
        return true;
    }

    /** FNV-1a, 64 bits, over the whole element: message ids make two different messages collide only by chance. */
    static long fingerprint(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Whether this list has held a task at any poll since the exporter started. */
    boolean everHeldTasks() {
        return everHeldTasks;
    }

    ListTracker tracker() {
        return tracker;
    }

    /** The per-task-name counts, when kept and complete. */
    Optional<TaskBreakdown> breakdown() {
        return breakdown != null && breakdown.ready() ? Optional.of(breakdown) : Optional.empty();
    }
}
