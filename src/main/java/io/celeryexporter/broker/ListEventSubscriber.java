package io.celeryexporter.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Receives the list events Redis publishes as keyspace notifications, on a connection and thread of its own, and
 * keeps those of the watched lists until the poller takes them. A subscription is read-only: it changes nothing on
 * the server, not even its configuration.
 *
 * <p>A lost subscription (network, restart, {@code CLIENT KILL}, or the server dropping a subscriber whose output
 * buffer overflowed) is retried at once, then with a growing pause. Every subscription has a new
 * {@link #epoch()}, so the poller can tell an interval the events covered whole from one with a hole in it. So does
 * an inbox that overflowed.
 *
 * <p>{@link #sync} sends a PING on the subscription: its answer comes after every event the server published before
 * it, so once it is back, the inbox holds every event of every command the server ran before the PING.
 */
public final class ListEventSubscriber implements AutoCloseable {

    /** Events kept between two polls at most; past that they are dropped and the interval counts as a gap. */
    static final int MAX_BUFFERED = 1_000_000;
    private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ListEventSubscriber.class);

    /** Which channel family to listen on. */
    public enum Channels { KEYEVENT, KEYSPACE }

    private final UnifiedJedis client;
    private final Channels family;
    private final byte[][] channels;
    private final String keyspacePrefix;
    private final DoubleSupplier clock;
    private final Thread thread;
    private final Object lock = new Object();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong pingsSent = new AtomicLong();
    private final LongAdder lost = new LongAdder();
    private final LongAdder received = new LongAdder();

    private ArrayList<ListEvent> inbox = new ArrayList<>();
    private volatile Set<String> watched = Set.of();
    private volatile Listener current;
    private volatile boolean subscribed;
    private volatile boolean closed;
    private long pongsReceived;
    private String lastFailure;

    /**
     * @param keyPrefix the prefix every watched key starts with (kombu's {@code global_keyprefix}), so a keyspace
     *                  subscription asks only for those keys' channels
     * @param clock     monotonic seconds, the poller's clock, to stamp events with
     */
    ListEventSubscriber(UnifiedJedis client, int database, Channels family, byte[] keyPrefix, DoubleSupplier clock) {
        this.client = client;
        this.family = family;
        this.clock = clock;
        this.keyspacePrefix = "__keyspace@" + database + "__:";
        if (family == Channels.KEYEVENT) {
            channels = new byte[ListEvent.Kind.EVENT_NAMES.length][];
            for (int i = 0; i < channels.length; i++) {
                channels[i] = bytes("__keyevent@" + database + "__:" + ListEvent.Kind.EVENT_NAMES[i]);
            }
        } else {
            channels = new byte[][] {bytes(keyspacePrefix + globEscaped(text(keyPrefix)) + "*")};
        }
        thread = new Thread(this::run, "keyspace-events");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    public Channels family() {
        return family;
    }

    /** The lists whose events to keep, as ISO-8859-1 strings of their key bytes; others are dropped on receipt. */
    public void watch(Set<String> keys) {
        watched = Set.copyOf(keys);
    }

    /** Takes every event kept so far, oldest first. */
    public List<ListEvent> drain() {
        synchronized (lock) {
            if (inbox.isEmpty()) {
                return List.of();
            }
            List<ListEvent> out = inbox;
            inbox = new ArrayList<>();
            return out;
        }
    }

    /**
     * Waits until every event published before this call is in the inbox. False when the subscription is down or
     * the answer does not come within {@code timeout}: then the inbox may lack some.
     */
    public boolean sync(Duration timeout) {
        Listener listener = current;
        if (listener == null || !subscribed) {
            return false;
        }
        long token;
        synchronized (lock) {
            token = pingsSent.incrementAndGet();
        }
        try {
            listener.ping(bytes(Long.toString(token)));
        } catch (JedisException | IllegalStateException e) {
            return false; // the connection broke; the subscriber thread reconnects
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (pongsReceived < token) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !subscribed) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Waits for the first subscription, up to {@code timeout}; whether it is up. */
    public boolean awaitSubscribed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!subscribed && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return subscribed;
    }

    /**
     * Changes whenever the events may have a hole: at each new subscription and each overflow of the inbox. Two
     * reads that agree, with the subscription up at both, mean every event in between was received.
     */
    public long epoch() {
        return epoch.get();
    }

    public boolean subscribed() {
        return subscribed;
    }

    /** Subscriptions lost since the start (each one a possible gap in the events). */
    public long subscriptionsLost() {
        return lost.sum();
    }

    /** List events received for watched lists. */
    public long eventsReceived() {
        return received.sum();
    }

    private void run() {
        long pauseMillis = 0;
        while (!closed) {
            Listener listener = new Listener();
            current = listener;
            try {
                if (family == Channels.KEYEVENT) {
                    client.subscribe(listener, channels);
                } else {
                    client.psubscribe(listener, channels);
                }
                failed("the subscription ended");
            } catch (JedisException e) {
                failed(RedisBroker.translate(e).getMessage());
            } catch (RuntimeException e) {
                failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            synchronized (lock) {
                subscribed = false;
                lock.notifyAll();
            }
            if (closed) {
                return;
            }
            lost.increment();
            // a subscription that worked was cut (a kill, a restart, a network blip): every millisecond away is
            // events missed, so retry at once; one that cannot even subscribe, less and less often
            pauseMillis = listener.confirmed ? 0 : Math.min(MAX_RETRY_PAUSE.toMillis(), Math.max(100, pauseMillis * 2));
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void failed(String reason) {
        if (closed) {
            return;
        }
        if (!reason.equals(lastFailure)) {
            LOG.warn("keyspace notifications: {}; subscribing again (arrivals and departures in the gap are"
                    + " reconciled with the next poll)", reason);
            lastFailure = reason;
        }
    }

    private void receive(String key, String event) {
        ListEvent.Kind kind = ListEvent.Kind.of(event);
        if (kind == null || !watched.contains(key)) {
            return;
        }
        ListEvent e = new ListEvent(key, kind, clock.getAsDouble());
        received.increment();
        synchronized (lock) {
            if (inbox.size() >= MAX_BUFFERED) {
                inbox = new ArrayList<>(); // the poller has stopped taking them: drop, and say there is a gap
                epoch.incrementAndGet();
            }
            inbox.add(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        Listener listener = current;
        if (listener != null && subscribed) {
            try {
                if (family == Channels.KEYEVENT) {
                    listener.unsubscribe();
                } else {
                    listener.punsubscribe();
                }
            } catch (JedisException | IllegalStateException e) {
                // the connection is gone already
            }
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener extends BinaryJedisPubSub {

        /** Subscribed to every channel at least once. */
        volatile boolean confirmed;

        @Override
        public void onSubscribe(byte[] channel, int count) {
            confirmed(count);
        }

        @Override
        public void onPSubscribe(byte[] pattern, int count) {
            confirmed(count);
        }

        private void confirmed(int count) {
            if (count == channels.length) {
                confirmed = true;
                synchronized (lock) {
                    epoch.incrementAndGet();
                    subscribed = true;
                    lock.notifyAll();
                }
                if (lastFailure != null) {
                    LOG.info("keyspace notifications: subscribed again");
                    lastFailure = null;
                }
            }
        }

        /** Keyevent: the channel names the event, the message is the key. */
        @Override
        public void onMessage(byte[] channel, byte[] message) {
            String name = text(channel);
            receive(text(message), name.substring(name.lastIndexOf(':') + 1));
        }

        /** Keyspace: the channel names the key, the message is the event. */
        @Override
        public void onPMessage(byte[] pattern, byte[] channel, byte[] message) {
            String name = text(channel);
            if (name.startsWith(keyspacePrefix)) {
                receive(name.substring(keyspacePrefix.length()), text(message));
            }
        }

        @Override
        public void onPong(byte[] token) {
            long seq;
            try {
                seq = Long.parseLong(text(token));
            } catch (NumberFormatException e) {
                return;
            }
            synchronized (lock) {
                pongsReceived = Math.max(pongsReceived, seq);
                lock.notifyAll();
            }
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A literal for a PSUBSCRIBE glob: Redis's glob treats {@code * ? [ ] \} as special. */
    static String globEscaped(String literal) {
        StringBuilder out = new StringBuilder(literal.length());
        for (char c : literal.toCharArray()) {
            if ("*?[]\\".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
