package io.celeryexporter.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * The list events Redis publishes as keyspace notifications, those of the watched lists only, on a
 * {@link Subscription} of their own.
 */
public final class ListEventSubscriber implements AutoCloseable {

    /** Which channel family to listen on. */
    public enum Channels { KEYEVENT, KEYSPACE }

    private final Channels family;
    private final String keyspacePrefix;
    private final Subscription<ListEvent> subscription;
    private volatile Set<String> watched = Set.of();
    private volatile Consumer<String> onPush = key -> {};

    /**
     * @param keyPattern a glob matching every watched key (kombu's {@code global_keyprefix}, escaped, then *), so a
     *                   keyspace subscription asks only for those keys' channels
     * @param clock     monotonic seconds, the poller's clock, to stamp events with
     */
    ListEventSubscriber(UnifiedJedis client, int database, Channels family, byte[] keyPattern, DoubleSupplier clock) {
        this.family = family;
        this.keyspacePrefix = "__keyspace@" + database + "__:";
        byte[][] channels;
        if (family == Channels.KEYEVENT) {
            channels = new byte[ListEvent.Kind.EVENT_NAMES.length][];
            for (int i = 0; i < channels.length; i++) {
                channels[i] = bytes("__keyevent@" + database + "__:" + ListEvent.Kind.EVENT_NAMES[i]);
            }
        } else {
            channels = new byte[][] {bytes(keyspacePrefix + text(keyPattern))};
        }
        subscription = new Subscription<>(client, "keyspace notifications", channels, family == Channels.KEYSPACE,
                this::parse, clock);
    }

    void start() {
        subscription.start();
    }

    public Channels family() {
        return family;
    }

    /** The lists whose events to keep, as ISO-8859-1 strings of their key bytes; others are dropped on receipt. */
    public void watch(Set<String> keys) {
        watched = Set.copyOf(keys);
    }

    /**
     * Told of each task a producer pushes onto a watched list, with the list's key, on the subscription's thread as
     * the event arrives (the poll hears of it only at its next snapshot): it must not block.
     */
    public void onPush(Consumer<String> listener) {
        onPush = listener;
    }

    /**
     * Keyevent: the channel names the event, the message is the key. Keyspace: the channel names the key, the
     * message is the event.
     */
    private ListEvent parse(byte[] channel, byte[] message, double at) {
        String name = text(channel);
        String key;
        String event;
        if (family == Channels.KEYEVENT) {
            key = text(message);
            event = name.substring(name.lastIndexOf(':') + 1);
        } else if (name.startsWith(keyspacePrefix)) {
            key = name.substring(keyspacePrefix.length());
            event = text(message);
        } else {
            return null;
        }
        ListEvent.Kind kind = ListEvent.Kind.of(event);
        if (kind == null || !watched.contains(key)) {
            return null;
        }
        if (kind == ListEvent.Kind.PUSHED_NEWEST) {
            onPush.accept(key);
        }
        return new ListEvent(key, kind, at);
    }

    public List<ListEvent> drain() {
        return subscription.drain();
    }

    /** See {@link Subscription#sync}. */
    public boolean sync(Duration timeout) {
        return subscription.sync(timeout);
    }

    public boolean awaitSubscribed(Duration timeout) {
        return subscription.awaitSubscribed(timeout);
    }

    /** See {@link Subscription#epoch}. */
    public long epoch() {
        return subscription.epoch();
    }

    public boolean subscribed() {
        return subscription.subscribed();
    }

    public long subscriptionsLost() {
        return subscription.subscriptionsLost();
    }

    /** List events received for watched lists. */
    public long eventsReceived() {
        return subscription.received();
    }

    @Override
    public void close() {
        subscription.close();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
