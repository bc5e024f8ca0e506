package io.celeryexporter.bench;

import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/** What celery-exporter, the KEDA Redis scaler and redis_exporter do: one LLEN on the bare queue name. */
final class LlenOnlyApproach implements Approach {

    private final UnifiedJedis redis;
    private final String queue;

    LlenOnlyApproach(UnifiedJedis redis, String queue) {
        this.redis = redis;
        this.queue = queue;
    }

    @Override
    public String name() {
        return "LLEN only";
    }

    @Override
    public void poll() {
        redis.llen(queue);
    }

    @Override
    public Set<String> commands() {
        return Set.of("llen");
    }
}
