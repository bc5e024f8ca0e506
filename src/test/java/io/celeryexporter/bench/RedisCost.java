package io.celeryexporter.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/** What the broker pays, from {@code INFO commandstats} (server µs per command) and {@code INFO stats} (bytes sent). */
final class RedisCost {

    record Reading(Map<String, Long> usec, long bytesOut) {
        long usecOf(Set<String> commands) {
            return commands.stream().mapToLong(c -> usec.getOrDefault(c, 0L)).sum();
        }
    }

    private final UnifiedJedis redis;
    private final long infoReplyBytes;

    RedisCost(UnifiedJedis redis) {
        this.redis = redis;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) { // the reply to INFO itself is in the next reading's byte count
            Reading a = read();
            Reading b = read();
            min = Math.min(min, b.bytesOut() - a.bytesOut());
        }
        infoReplyBytes = min;
    }

    Reading read() {
        Map<String, Long> usec = new HashMap<>();
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                int u = line.indexOf("usec=") + 5;
                usec.put(name, Long.parseLong(line.substring(u, line.indexOf(',', u))));
            }
        }
        long bytes = 0;
        for (String line : redis.info("stats").split("\r?\n")) {
            if (line.startsWith("total_net_output_bytes:")) {
                bytes = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return new Reading(usec, bytes);
    }

    /** Bytes sent between two readings, less the INFO replies themselves. */
    long bytesBetween(Reading before, Reading after) {
        return Math.max(0, after.bytesOut() - before.bytesOut() - infoReplyBytes);
    }
}
