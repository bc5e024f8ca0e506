package io.celeryexporter.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.BiConsumer;
import java.util.function.ObjDoubleConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Read-only access to the broker. Every method issues only read, connection and transaction commands, so the
 * exporter works with an ACL user that cannot write. It knows Redis, not Celery: callers pass key names.
 */
public final class RedisBroker implements AutoCloseable {

    /** Page size of SCAN and HSCAN: bounded work per call on the server. */
    static final int PAGE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
    /**
     * Lists per transaction: about 250 commands, which Redis runs in well under a millisecond, so no other client
     * waits longer than that behind a poll.
     */
    public static final int LISTS_PER_TRANSACTION = 64;

    private final UnifiedJedis client;
    private final int database;
    private final boolean viaSentinel;
    /** Whether the server has LPOS; null until asked. */
    private volatile Boolean lpos;
    private volatile boolean clusterChecked;

    RedisBroker(UnifiedJedis client, int database, boolean viaSentinel) {
        this.client = client;
        this.database = database;
        this.viaSentinel = viaSentinel;
    }

    /**
     * Reads the lists and hash lengths a poll needs. Lists are read in transactions of at most
     * {@link #LISTS_PER_TRANSACTION}, each holding whole groups of {@code groupSize} consecutive probes (a queue's
     * priority lists), so every queue is read atomically while no single transaction holds the server for long: other
     * clients (workers' BRPOP, producers) get their turn between two transactions. The hash lengths are read in the
     * first transaction.
     */
    public BrokerSnapshot snapshot(List<ListProbe> probes, List<byte[]> hashes, int groupSize) {
        refuseClusterMode();
        boolean lpos = hasLpos();
        int perTransaction = Math.max(groupSize, LISTS_PER_TRANSACTION / groupSize * groupSize);
        List<ListReading> lists = new ArrayList<>(probes.size());
        List<Long> lengths = new ArrayList<>(hashes.size());
        int from = 0;
        do {
            int to = Math.min(probes.size(), from + perTransaction);
            List<ListProbe> chunk = probes.subList(from, to);
            List<byte[]> chunkHashes = from == 0 ? hashes : List.of();
            call(() -> {
                List<ProbeResponses> pending = new ArrayList<>(chunk.size());
                List<Response<Long>> hashLengths = new ArrayList<>(chunkHashes.size());
                try (AbstractTransaction tx = client.multi()) {
                    for (int g = 0; g < chunk.size(); g += groupSize) {
                        queueGroup(tx, chunk.subList(g, Math.min(chunk.size(), g + groupSize)), lpos, pending);
                    }
                    for (byte[] hash : chunkHashes) {
                        hashLengths.add(tx.hlen(hash));
                    }
                    tx.exec();
                }
                for (ProbeResponses responses : pending) {
                    lists.add(responses.reading());
                }
                for (Response<Long> r : hashLengths) {
                    lengths.add(r.get());
                }
                return null;
            });
            from = to;
        } while (from < probes.size());
        return new BrokerSnapshot(lists, lengths);
    }

    /**
     * One group's commands. Its lists that were empty at the last poll share one {@code EXISTS}: Redis deletes an
     * empty list, so a count of 0 proves them all still empty at the cost of one command, and any other count has
     * them read again ({@link ListReading#UNKNOWN_LENGTH}) within the same poll.
     */
    private static void queueGroup(AbstractTransaction tx, List<ListProbe> group, boolean lpos,
                                   List<ProbeResponses> pending) {
        List<byte[]> idle = new ArrayList<>();
        for (ListProbe probe : group) {
            if (probe.lengthOnly()) {
                idle.add(probe.key());
            }
        }
        Response<Long> exists = idle.size() >= 2 ? tx.exists(idle.toArray(new byte[0][])) : null;
        for (ListProbe probe : group) {
            pending.add(exists != null && probe.lengthOnly() ? ProbeResponses.existence(probe, exists)
                    : ProbeResponses.queue(tx, probe, lpos));
        }
    }

    /** Each list on its own: atomic per list. */
    public BrokerSnapshot snapshot(List<ListProbe> probes, List<byte[]> hashes) {
        return snapshot(probes, hashes, 1);
    }

    /**
     * How many elements stand in front of {@code element} (toward the newest end) up to {@code front}, which was the
     * newest element when the caller's snapshot was read: the element's position in that snapshot, whatever was pushed
     * since. Both positions are read in one transaction, so later pushes shift them alike. Null when {@code element}
     * is gone; its plain position when {@code front} is gone.
     */
    public Long positionSince(byte[] key, byte[] element, byte[] front) {
        if (!hasLpos()) {
            return positionSinceByRange(key, element, front);
        }
        return call(() -> {
            Response<Long> position;
            Response<Long> frontPosition;
            try (AbstractTransaction tx = client.multi()) {
                position = tx.lpos(key, element);
                frontPosition = tx.lpos(key, front);
                tx.exec();
            }
            if (position.get() == null) {
                return null;
            }
            return frontPosition.get() == null ? position.get() : position.get() - frontPosition.get();
        });
    }

    /**
     * {@link #positionSince} for an element the caller knows only by a matcher (its bytes are not kept): always by
     * reading the newest elements.
     */
    public Long positionSince(byte[] key, Predicate<byte[]> element, byte[] front) {
        return positionSinceByRange(key, element, front);
    }

    private Long positionSinceByRange(byte[] key, byte[] element, byte[] front) {
        return positionSinceByRange(key, e -> Arrays.equals(e, element), front);
    }

    /**
     * {@link #positionSince} without {@code LPOS}: reads the newest elements, twice as many each time, until one read
     * holds both {@code front} and {@code element}, and finds them on the client. Each read is one {@code LRANGE}, so
     * both positions come from the same moment. O(position) elements read, about twice over.
     */
    private Long positionSinceByRange(byte[] key, Predicate<byte[]> element, byte[] front) {
        return call(() -> {
            long window = PAGE;
            while (true) {
                List<byte[]> head = client.lrange(key, 0, window - 1);
                int frontAt = indexOf(head, front);
                int at = frontAt < 0 ? -1 : indexOf(head, element, frontAt);
                if (at >= 0) {
                    return (long) (at - frontAt);
                }
                if (head.size() < window) { // the whole list was read
                    int plain = frontAt < 0 ? indexOf(head, element, 0) : -1;
                    return plain < 0 ? null : (long) plain;
                }
                window *= 2;
            }
        });
    }

    private static int indexOf(List<byte[]> elements, byte[] wanted) {
        return indexOf(elements, e -> Arrays.equals(e, wanted), 0);
    }

    private static int indexOf(List<byte[]> elements, Predicate<byte[]> wanted, int from) {
        for (int i = from; i < elements.size(); i++) {
            if (wanted.test(elements.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A Redis Cluster node answers {@code MOVED} or {@code CROSSSLOT} for keys of other slots, and a queue's priority
     * lists and kombu's bindings hash to different slots; kombu itself does not support Redis Cluster. Checked once,
     * with {@code INFO cluster}; a user without the right to run INFO skips the check.
     */
    private void refuseClusterMode() {
        if (clusterChecked) {
            return;
        }
        boolean cluster = call(() -> {
            try {
                return client.info("cluster").contains("cluster_enabled:1");
            } catch (JedisDataException e) {
                return false; // NOPERM for INFO: the read-only ACL may leave it out
            }
        });
        if (cluster) {
            throw new BrokerException(BrokerException.Kind.UNSUPPORTED, "the broker is a Redis Cluster node"
                    + " (cluster_enabled:1): kombu, and so Celery, does not support Redis Cluster, and a queue's lists"
                    + " live in different hash slots; point --broker.url at a standalone or Sentinel-managed Redis",
                    null);
        }
        clusterChecked = true;
    }

    /**
     * Whether the server has {@code LPOS} (Redis 6.0.6 and later, unless renamed away). Asked once, with
     * {@code COMMAND INFO}; without it, arrivals are found by reading the newest elements ({@code LRANGE}) instead.
     */
    @SuppressWarnings("deprecation") // Jedis has no typed COMMAND INFO that tells an unknown command apart
    public boolean hasLpos() {
        Boolean known = lpos;
        if (known == null) {
            known = call(() -> {
                try {
                    Object info = client.sendCommand(Protocol.Command.COMMAND, "INFO", "LPOS");
                    return info instanceof List<?> list && !list.isEmpty() && list.get(0) != null;
                } catch (JedisDataException e) {
                    return false; // a server too old for COMMAND has no LPOS either
                }
            });
            if (!known) {
                LOG.warn("the broker has no LPOS command (Redis before 6.0.6, or renamed away): arrivals are found by"
                        + " reading the newest elements with LRANGE instead, exact but more bytes per poll;"
                        + " --task-breakdown is off");
            }
            lpos = known;
        }
        return known;
    }

    /**
     * Reads {@code LRANGE start stop} together with the positions of an anchor and, optionally, a marker element, in
     * one transaction. Callers keep {@code stop - start} at most {@link #PAGE}: the server is blocked while it runs.
     */
    public AnchoredRange anchoredRange(byte[] key, byte[] anchor, int searchLimit, long start, long stop,
                                       byte[] marker) {
        return call(() -> {
            Response<Long> length;
            Response<Long> anchorPosition;
            Response<Long> markerPosition = null;
            Response<List<byte[]>> elements;
            try (AbstractTransaction tx = client.multi()) {
                length = tx.llen(key);
                anchorPosition = tx.lpos(key, anchor, LPosParams.lPosParams().maxlen(searchLimit));
                if (marker != null) {
                    markerPosition = tx.lpos(key, marker, LPosParams.lPosParams().maxlen(searchLimit));
                }
                elements = tx.lrange(key, start, stop);
                tx.exec();
            }
            return new AnchoredRange(length.get(), anchorPosition.get(),
                    markerPosition == null ? null : markerPosition.get(), elements.get());
        });
    }

    /**
     * The server's {@code notify-keyspace-events}; empty when the server will not say ({@code CONFIG} renamed away,
     * as managed services do, or left out of the user's ACL). Reading it changes nothing.
     */
    public Optional<NotificationFlags> notificationFlags() {
        return call(() -> {
            try {
                Map<String, String> config = client.configGet("notify-keyspace-events");
                String flags = config.get("notify-keyspace-events");
                return flags == null ? Optional.<NotificationFlags>empty() : Optional.of(new NotificationFlags(flags));
            } catch (JedisDataException e) {
                return Optional.<NotificationFlags>empty();
            }
        });
    }

    /**
     * Starts receiving the list events of this broker's database on a connection of its own.
     *
     * @param keyPattern a glob matching every watched key (kombu's {@code global_keyprefix}, escaped, then *)
     * @param clock     monotonic seconds, to stamp each event as it is received
     */
    public ListEventSubscriber subscribeToListEvents(ListEventSubscriber.Channels channels, byte[] keyPattern,
                                                     DoubleSupplier clock) {
        ListEventSubscriber subscriber = new ListEventSubscriber(client, database, channels, keyPattern, clock);
        subscriber.start();
        return subscriber;
    }

    /**
     * Starts receiving the messages published on channels matching {@code pattern}, on a connection of its own.
     *
     * @param what  what is received, for log lines
     * @param clock monotonic seconds, to stamp each message as it is received
     */
    public Subscription<ChannelMessage> subscribeToPattern(byte[] pattern, String what, DoubleSupplier clock) {
        return subscribeToPatterns(List.of(pattern), what, clock);
    }

    /** As {@link #subscribeToPattern}, for several patterns on the one connection. */
    public Subscription<ChannelMessage> subscribeToPatterns(List<byte[]> patterns, String what,
                                                            DoubleSupplier clock) {
        Subscription<ChannelMessage> subscription = new Subscription<>(client, what, patterns.toArray(byte[][]::new),
                true, ChannelMessage::new, clock);
        subscription.start();
        return subscription;
    }

    /** The broker is reached through Sentinel: kombu names some pub/sub channels differently there. */
    public boolean viaSentinel() {
        return viaSentinel;
    }

    /** The database number the broker URL names: pub/sub channel names of kombu and Redis include it. */
    public int database() {
        return database;
    }

    /** Every key matching a glob pattern, read with SCAN (never KEYS), page by page. */
    public List<byte[]> scanKeys(byte[] pattern) {
        return call(() -> {
            Map<String, byte[]> keys = new LinkedHashMap<>();
            ScanParams params = new ScanParams().match(pattern).count(PAGE);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            do {
                ScanResult<byte[]> page = client.scan(cursor, params);
                for (byte[] key : page.getResult()) {
                    keys.putIfAbsent(new String(key, StandardCharsets.ISO_8859_1), key);
                }
                cursor = page.getCursorAsBytes();
            } while (!isLastPage(cursor));
            return new ArrayList<>(keys.values());
        });
    }

    public List<byte[]> members(byte[] setKey) {
        return call(() -> new ArrayList<>(client.smembers(setKey)));
    }

    /** Visits every field and value of a hash with HSCAN, page by page. Fields may repeat across pages. */
    public void scanHash(byte[] key, BiConsumer<byte[], byte[]> visitor) {
        call(() -> {
            ScanParams params = new ScanParams().count(PAGE);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            do {
                ScanResult<Map.Entry<byte[], byte[]>> page = client.hscan(key, cursor, params);
                for (Map.Entry<byte[], byte[]> entry : page.getResult()) {
                    visitor.accept(entry.getKey(), entry.getValue());
                }
                cursor = page.getCursorAsBytes();
            } while (!isLastPage(cursor));
            return null;
        });
    }

    /** Visits every member and score of a sorted set with ZSCAN, page by page. Members may repeat across pages. */
    public void scanSortedSet(byte[] key, ObjDoubleConsumer<byte[]> visitor) {
        call(() -> {
            ScanParams params = new ScanParams().count(PAGE);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            do {
                ScanResult<Tuple> page = client.zscan(key, cursor, params);
                for (Tuple member : page.getResult()) {
                    visitor.accept(member.getBinaryElement(), member.getScore());
                }
                cursor = page.getCursorAsBytes();
            } while (!isLastPage(cursor));
            return null;
        });
    }

    private static boolean isLastPage(byte[] cursor) {
        return cursor.length == 1 && cursor[0] == '0';
    }

    @Override
    public void close() {
        client.close();
    }

    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw translate(e);
        }
    }

    static BrokerException translate(JedisException e) {
        String reason = rootMessage(e);
        String upper = reason.toUpperCase();
        if (upper.contains("WRONGPASS") || upper.contains("NOAUTH") || upper.contains("INVALID USERNAME-PASSWORD")
                || upper.contains("AUTH FAILED")) {
            return new BrokerException(BrokerException.Kind.AUTHENTICATION,
                    "the broker refused the credentials: " + reason, e);
        }
        if (upper.contains("NOPERM")) {
            return new BrokerException(BrokerException.Kind.PERMISSION,
                    "the broker user lacks a permission: " + reason, e);
        }
        if (e instanceof JedisConnectionException) {
            return new BrokerException(BrokerException.Kind.UNREACHABLE, "cannot reach the broker: " + reason, e);
        }
        return new BrokerException(BrokerException.Kind.OTHER, "broker error: " + reason, e);
    }

    private static String rootMessage(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.strip();
    }

    /** The responses queued for one probe inside the transaction. */
    private record ProbeResponses(ListProbe probe, Response<Long> length, Response<Long> position,
                                  Response<List<byte[]>> head, Response<byte[]> newest, Response<byte[]> oldest,
                                  Response<Long> groupExists) {

        /** A list answered for by its group's shared {@code EXISTS}. */
        static ProbeResponses existence(ListProbe probe, Response<Long> exists) {
            return new ProbeResponses(probe, null, null, null, null, null, exists);
        }

        /** Arrivals with {@code LPOS}, or without it: the newest {@code searchLimit} elements, searched on the client. */
        static ProbeResponses queue(AbstractTransaction tx, ListProbe probe, boolean lpos) {
            ListProbe.Reads reads = probe.reads();
            Response<Long> length = tx.llen(probe.key());
            Response<Long> position = null;
            Response<List<byte[]>> head = null;
            if (reads == ListProbe.Reads.ANCHORED && lpos) {
                position = tx.lpos(probe.key(), probe.lastNewest(), LPosParams.lPosParams().maxlen(probe.searchLimit()));
            } else if (reads == ListProbe.Reads.ANCHORED || reads == ListProbe.Reads.MATCHED) {
                head = tx.lrange(probe.key(), 0, probe.searchLimit() - 1);
            }
            boolean bothEnds = reads.compareTo(ListProbe.Reads.ENDS) >= 0;
            Response<byte[]> newest = bothEnds ? tx.lindex(probe.key(), 0) : null;
            Response<byte[]> oldest = reads != ListProbe.Reads.LENGTH ? tx.lindex(probe.key(), -1) : null;
            return new ProbeResponses(probe, length, position, head, newest, oldest, null);
        }

        ListReading reading() {
            if (groupExists != null) {
                return new ListReading(groupExists.get() == 0 ? 0 : ListReading.UNKNOWN_LENGTH, null, null, null);
            }
            Long at = position == null ? null : position.get();
            if (head != null) {
                int i = probe.reads() == ListProbe.Reads.MATCHED ? indexOf(head.get(), probe.isLastNewest(), 0)
                        : indexOf(head.get(), probe.lastNewest());
                at = i < 0 ? null : (long) i;
            }
            return new ListReading(length.get(), at,
                    newest == null ? null : newest.get(),
                    oldest == null ? null : oldest.get());
        }
    }
}
