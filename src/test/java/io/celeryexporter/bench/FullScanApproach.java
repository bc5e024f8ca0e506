package io.celeryexporter.bench;

import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.UndecodableMessageException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * The popular "custom metrics server" recipe: LRANGE the whole queue on every scrape and decode every message (it then
 * looks for a timestamp field that Celery never writes).
 */
final class FullScanApproach implements Approach {

    private final UnifiedJedis redis;
    private final byte[] key;
    private final MessageDecoder decoder = new MessageDecoder(List.of());

    FullScanApproach(UnifiedJedis redis, String queue) {
        this.redis = redis;
        this.key = queue.getBytes();
    }

    @Override
    public String name() {
        return "full scan";
    }

    @Override
    public void poll() {
        Map<String, Integer> perTask = new HashMap<>();
        for (byte[] raw : redis.lrange(key, 0, -1)) {
            try {
                perTask.merge(decoder.decode(raw).taskName(), 1, Integer::sum);
            } catch (UndecodableMessageException e) {
                perTask.merge("unknown", 1, Integer::sum);
            }
        }
    }

    @Override
    public Set<String> commands() {
        return Set.of("lrange");
    }
}
