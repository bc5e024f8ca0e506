package io.celeryexporter.bench;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.PrioritySteps;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * A depth-only reader that does count priorities: one pipelined LLEN per priority sub-list, as Flower's broker page
 * does. The like-for-like baseline for depth; it still gives no age and no wait.
 */
final class LlenEveryStepApproach implements Approach {

    private final UnifiedJedis redis;
    private final byte[][] keys;

    LlenEveryStepApproach(UnifiedJedis redis, String queue) {
        this.redis = redis;
        KeyNaming naming = KeyNaming.withPrefix("");
        keys = PrioritySteps.ALL.steps().stream().map(step -> naming.listKey(queue, step)).toArray(byte[][]::new);
    }

    @Override
    public String name() {
        return "LLEN per sub-list";
    }

    @Override
    public void poll() {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (byte[] key : keys) {
                pipeline.llen(key);
            }
            pipeline.sync();
        }
    }

    @Override
    public Set<String> commands() {
        return Set.of("llen");
    }
}
