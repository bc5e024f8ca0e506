package io.celeryexporter.poll;

import io.celeryexporter.broker.ListEvent;
import io.celeryexporter.broker.ListEventSubscriber;
import io.celeryexporter.broker.NotificationFlags;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.tracking.PollClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller's side of keyspace notifications: decides whether to listen ({@code --flows}), and sorts the events
 * received into each list's {@link PendingEvents} around the snapshot that reads the list.
 *
 * <p>Whether the broker publishes list events is read with {@code CONFIG GET notify-keyspace-events} at start and
 * again with every discovery, since an operator may switch them on or off at any time. Where the server will not
 * say (managed services rename CONFIG away), {@code auto} listens on the keyevent channels anyway and trusts the
 * events once the first one arrives. Not thread-safe: the poller thread owns it.
 */
final class KeyspaceEvents implements AutoCloseable {

    /** How long a poll waits for the subscription to answer its PING before it treats the interval as a gap. */
    static final Duration SYNC_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration FIRST_SUBSCRIPTION_WAIT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(KeyspaceEvents.class);

    private final RedisBroker broker;
    private final ExporterConfig.Flows mode;
    private final byte[] keyPattern;
    private final PollClock clock;
    private final FlowStatus status;
    private final Map<String, ArrayList<ListEvent>> pending = new HashMap<>();
    private final Map<String, Integer> certain = new HashMap<>();

    private ListEventSubscriber subscriber;
    private Consumer<String> onPush = key -> {};
    /** The lists to keep events of; handed to every subscription, a new one after a restart too. */
    private Set<String> watched = Set.of();
    /** The server said list events are on; false when it said off or would not say. */
    private boolean announced;
    private boolean synced;
    private long epoch;
    private String lastAdvice;

    KeyspaceEvents(RedisBroker broker, ExporterConfig.Flows mode, byte[] keyPattern, PollClock clock,
                   FlowStatus status) {
        this.broker = broker;
        this.mode = mode;
        this.keyPattern = keyPattern.clone();
        this.clock = clock;
        this.status = status;
    }

    /** Reads the server's setting again and starts or stops listening to match. */
    void refresh() {
        if (mode == ExporterConfig.Flows.SNAPSHOTS || mode == ExporterConfig.Flows.CELERY_EVENTS) {
            return;
        }
        Optional<NotificationFlags> flags = broker.notificationFlags();
        announced = flags.map(NotificationFlags::announcesLists).orElse(false);
        boolean listen = mode == ExporterConfig.Flows.KEYSPACE_EVENTS || flags.isEmpty() || announced;
        ListEventSubscriber.Channels channels = flags.filter(f -> f.listEvents() && !f.keyevent() && f.keyspace())
                .isPresent() ? ListEventSubscriber.Channels.KEYSPACE : ListEventSubscriber.Channels.KEYEVENT;
        if (subscriber != null && (!listen || subscriber.family() != channels)) {
            stop();
        }
        advise(flags);
        if (listen && subscriber == null) {
            subscriber = broker.subscribeToListEvents(channels, keyPattern, () -> clock.now().monotonicSeconds());
            subscriber.watch(watched);
            subscriber.onPush(onPush);
            subscriber.awaitSubscribed(FIRST_SUBSCRIPTION_WAIT);
        }
        status.keyspace(subscriber);
    }

    private void advise(Optional<NotificationFlags> flags) {
        String advice;
        if (flags.isEmpty()) {
            advice = "the broker will not show its notify-keyspace-events (CONFIG GET refused): listening on the"
                    + " keyevent channels; arrivals, departures and waits are exact once list events arrive, lower"
                    + " bounds until then";
        } else if (!flags.get().announcesLists()) {
            advice = "the broker's notify-keyspace-events is \"" + flags.get().flags() + "\", without list events:"
                    + " arrivals, departures and waits are lower bounds from snapshots; set it to include \"lE\""
                    + " (or \"lK\") for exact figures (see the README, \"Exact counts\")";
        } else {
            advice = "the broker publishes list events (notify-keyspace-events \"" + flags.get().flags() + "\"):"
                    + " arrivals, departures and waits are exact";
        }
        if (!advice.equals(lastAdvice)) {
            LOG.info(advice);
            lastAdvice = advice;
        }
    }

    /** At the start of a poll: whether it takes its flows from events. A poll that does not drops what came. */
    boolean startPoll() {
        boolean on = active();
        if (!on) {
            discard();
        }
        return on;
    }

    /** Listening, and the events are known to be complete: the server says so, or they arrive. */
    private boolean active() {
        return subscriber != null
                && (announced || mode == ExporterConfig.Flows.KEYSPACE_EVENTS || subscriber.eventsReceived() > 0);
    }

    /** Told of each push onto a watched list as it arrives, with the list's event key; see ListEventSubscriber. */
    void onPush(Consumer<String> listener) {
        onPush = listener;
        if (subscriber != null) {
            subscriber.onPush(listener);
        }
    }

    /** Whether a subscription exists, trusted or not yet: it needs to know the lists to keep events of. */
    boolean listening() {
        return subscriber != null;
    }

    /** The lists the poll reads, as event keys; events of other keys are dropped on receipt. */
    void watch(Set<String> keys) {
        watched = Set.copyOf(keys);
        if (subscriber != null) {
            subscriber.watch(watched);
        }
        pending.keySet().retainAll(watched);
    }

    /** Before a snapshot of these lists: what is received by now happened before it. */
    void beforeSnapshot(Collection<String> keys) {
        takeInbox();
        certain.clear();
        for (String key : keys) {
            List<ListEvent> events = pending.get(key);
            certain.put(key, events == null ? 0 : events.size());
        }
    }

    /** After the snapshot: waits until every event that happened before it is received. */
    void afterSnapshot() {
        synced = subscriber.sync(SYNC_TIMEOUT);
        epoch = subscriber.epoch();
        takeInbox();
    }

    /** One list's events since its last observation; they are handed over once. */
    PendingEvents take(String key) {
        List<ListEvent> events = pending.remove(key);
        return new PendingEvents(events == null ? List.of() : events, certain.getOrDefault(key, 0), synced, epoch);
    }

    private void discard() {
        if (subscriber != null) {
            subscriber.drain();
        }
        pending.clear();
    }

    private void takeInbox() {
        for (ListEvent e : subscriber.drain()) {
            pending.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
        }
    }

    private void stop() {
        subscriber.close();
        subscriber = null;
        pending.clear();
    }

    @Override
    public void close() {
        if (subscriber != null) {
            stop();
        }
        status.keyspace(null);
    }
}
