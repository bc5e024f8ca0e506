package io.celeryexporter.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A pub/sub subscription on a connection and thread of its own, keeping what its {@link Parser} makes of each message
 * until the poller takes it. A subscription is read-only: it changes nothing on the server.
 *
 * <p>A lost subscription (network, restart, {@code CLIENT KILL}, or the server dropping a subscriber whose output
 * buffer overflowed) is retried at once, then with a growing pause. Every subscription has a new
 * {@link #epoch()}, so the poller can tell an interval the events covered whole from one with a hole in it. So does
 * an inbox that overflowed.
 *
 * <p>{@link #sync} sends a PING on the subscription: its answer comes after every event the server published before
 * it, so once it is back, the inbox holds every event of every command the server ran before the PING.
 */
public final class Subscription<T> implements AutoCloseable {

    /** Events kept between two polls at most; past that they are dropped and the interval counts as a gap. */
    static final int MAX_BUFFERED = 1_000_000;
    private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    /** Turns one message into what the poller wants of it, or null to drop it. */
    @FunctionalInterface
    public interface Parser<T> {
        /** @param at monotonic seconds when the message was received */
        T parse(byte[] channel, byte[] message, double at);
    }

    private final UnifiedJedis client;
    private final String what;
    private final byte[][] channels;
    private final boolean patterns;
    private final Parser<T> parser;
    private final DoubleSupplier clock;
    private final Thread thread;
    private final Object lock = new Object();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong pingsSent = new AtomicLong();
    private final LongAdder lost = new LongAdder();
    private final LongAdder received = new LongAdder();

    private ArrayList<T> inbox = new ArrayList<>();
    private volatile Listener current;
    private volatile boolean subscribed;
    private volatile boolean closed;
    /** An attempt to subscribe has ended: whoever waits for the first subscription need wait no longer. */
    private volatile boolean attempted;
    private volatile long pongsReceived;
    private volatile double subscribedAt = Double.NaN;
    private String lastFailure;

    /**
     * @param what     what is received, for log lines ("keyspace notifications")
     * @param patterns the channels are PSUBSCRIBE patterns
     * @param clock    monotonic seconds, the poller's clock, to stamp messages with
     */
    Subscription(UnifiedJedis client, String what, byte[][] channels, boolean patterns, Parser<T> parser,
                 DoubleSupplier clock) {
        this.client = client;
        this.what = what;
        this.channels = channels.clone();
        this.patterns = patterns;
        this.parser = parser;
        this.clock = clock;
        thread = new Thread(this::run, what.replace(' ', '-'));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Takes everything kept so far, oldest first. */
    public List<T> drain() {
        synchronized (lock) {
            if (inbox.isEmpty()) {
                return List.of();
            }
            List<T> out = inbox;
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
        return await(() -> pongsReceived >= token || !subscribed, timeout) && pongsReceived >= token;
    }

    /** Waits for the first subscription, up to {@code timeout} or until an attempt has failed; whether it is up. */
    public boolean awaitSubscribed(Duration timeout) {
        return await(() -> subscribed || closed || attempted, timeout) && subscribed;
    }

    /** Waits on the lock until {@code done} holds (checked under the lock) or the time is up; whether it held. */
    private boolean await(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!done.getAsBoolean()) {
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
            return true;
        }
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

    /** When the current subscription was confirmed, on the clock it was given; NaN before the first. */
    public double subscribedAt() {
        return subscribedAt;
    }

    /** Subscriptions that were up and were lost since the start (each one a possible gap in the events). */
    public long subscriptionsLost() {
        return lost.sum();
    }

    /** Messages kept (those the parser did not drop). */
    public long received() {
        return received.sum();
    }

    private void run() {
        long pauseMillis = 0;
        while (!closed) {
            Listener listener = new Listener();
            current = listener;
            try {
                if (patterns) {
                    client.psubscribe(listener, channels);
                } else {
                    client.subscribe(listener, channels);
                }
                failed("the subscription ended");
            } catch (JedisException e) {
                failed(RedisBroker.translate(e).getMessage());
            } catch (RuntimeException e) {
                failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            synchronized (lock) {
                subscribed = false;
                attempted = true;
                lock.notifyAll();
            }
            if (closed) {
                return;
            }
            if (listener.confirmed) {
                lost.increment(); // a refused attempt lost no events: only a subscription that was up leaves a gap
            }
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
            LOG.warn("{}: {}; subscribing again (until then, what it feeds is marked as possibly incomplete)",
                    what, reason);
            lastFailure = reason;
        }
    }

    private void receive(byte[] channel, byte[] message) {
        T item = parser.parse(channel, message, clock.getAsDouble());
        if (item == null) {
            return;
        }
        received.increment();
        synchronized (lock) {
            if (inbox.size() >= MAX_BUFFERED) {
                inbox = new ArrayList<>(); // the poller has stopped taking them: drop, and say there is a gap
                epoch.incrementAndGet();
            }
            inbox.add(item);
        }
    }

    @Override
    public void close() {
        closed = true;
        Listener listener = current;
        if (listener != null && subscribed) {
            try {
                if (patterns) {
                    listener.punsubscribe();
                } else {
                    listener.unsubscribe();
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
                    subscribedAt = clock.getAsDouble();
                    subscribed = true;
                    lock.notifyAll();
                }
                if (lastFailure != null) {
                    LOG.info("{}: subscribed again", what);
                    lastFailure = null;
                }
            }
        }

        @Override
        public void onMessage(byte[] channel, byte[] message) {
            receive(channel, message);
        }

        @Override
        public void onPMessage(byte[] pattern, byte[] channel, byte[] message) {
            receive(channel, message);
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
}
