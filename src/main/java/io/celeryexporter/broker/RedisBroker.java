package io.celeryexporter.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Read-only access to the broker. Every method issues only read, connection and transaction commands, so the
 * exporter works with an ACL user that cannot write. It knows Redis, not Celery: callers pass key names.
 */
public final class RedisBroker implements AutoCloseable {

    /** Page size of SCAN and HSCAN: bounded work per call on the server. */
    static final int PAGE = 1000;

    private final UnifiedJedis client;

    RedisBroker(UnifiedJedis client) {
        this.client = client;
    }

    /** Reads every probe and hash length in one atomic transaction. */
    public BrokerSnapshot snapshot(List<ListProbe> probes, List<byte[]> hashes) {
        return call(() -> {
            List<ProbeResponses> pending = new ArrayList<>(probes.size());
            List<Response<Long>> hashLengths = new ArrayList<>(hashes.size());
            try (AbstractTransaction tx = client.multi()) {
                for (ListProbe probe : probes) {
                    pending.add(ProbeResponses.queue(tx, probe));
                }
                for (byte[] hash : hashes) {
                    hashLengths.add(tx.hlen(hash));
                }
                tx.exec();
            }
            List<ListReading> lists = new ArrayList<>(pending.size());
            for (ProbeResponses responses : pending) {
                lists.add(responses.reading());
            }
            List<Long> lengths = new ArrayList<>(hashLengths.size());
            for (Response<Long> r : hashLengths) {
                lengths.add(r.get());
            }
            return new BrokerSnapshot(lists, lengths);
        });
    }

    /**
     * Where {@code element} stands, counted from the newest end, searching the whole list. O(position): used only
     * when more elements arrived between two polls than the snapshot's search limit.
     */
    /**
     * How many elements stand in front of {@code element} (toward the newest end) up to {@code front}, which was the
     * newest element when the caller's snapshot was read: the element's position in that snapshot, whatever was pushed
     * since. Both positions are read in one transaction, so later pushes shift them alike. Null when {@code element}
     * is gone; its plain position when {@code front} is gone.
     */
    public Long positionSince(byte[] key, byte[] element, byte[] front) {
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
    private record ProbeResponses(Response<Long> length, Response<Long> position, Response<byte[]> newest,
                                  Response<byte[]> oldest) {

        static ProbeResponses queue(AbstractTransaction tx, ListProbe probe) {
            Response<Long> length = tx.llen(probe.key());
            Response<Long> position = probe.lastNewest() == null ? null
                    : tx.lpos(probe.key(), probe.lastNewest(), LPosParams.lPosParams().maxlen(probe.searchLimit()));
            Response<byte[]> newest = probe.readEnds() ? tx.lindex(probe.key(), 0) : null;
            Response<byte[]> oldest = probe.readEnds() ? tx.lindex(probe.key(), -1) : null;
            return new ProbeResponses(length, position, newest, oldest);
        }

        ListReading reading() {
            return new ListReading(length.get(),
                    position == null ? null : position.get(),
                    newest == null ? null : newest.get(),
                    oldest == null ? null : oldest.get());
        }
    }
}
