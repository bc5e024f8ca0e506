package io.celeryexporter.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * What the broker pays: {@code INFO commandstats} (server µs per command), the main thread's CPU time from
 * {@code INFO cpu} (commands plus reading and writing the sockets), and {@code INFO stats} (bytes sent).
 */
final class RedisCost {

    /**
     * Commands a reader sends only inside {@code MULTI … EXEC}. Redis counts such a command twice in commandstats: on
     * its own line, and inside the time of the {@code EXEC} that ran it.
     */
    static final Set<String> TRANSACTION_READS = Set.of("llen", "lpos", "lindex", "exists", "hlen", "lrange");

    record Reading(Map<String, Long> usec, long bytesOut, long cpuMicros) {
        long usecOf(Set<String> commands) {
            return commands.stream().mapToLong(c -> usec.getOrDefault(c, 0L)).sum();
        }

        /** µs per command between two readings, divided by {@code reads}: where a reader's time goes. */
        Map<String, Long> usecSince(Reading before, int reads) {
            Map<String, Long> since = new TreeMap<>();
            usec.forEach((command, micros) -> {
                long delta = micros - before.usec.getOrDefault(command, 0L);
                if (delta > 0) {
                    since.put(command, delta / reads);
                }
            });
            return since;
        }

        /**
         * Server time of the commands clients sent, each counted once: every command but INFO and PING (the bench's
         * own), and but those in {@code nested}, whose time {@code EXEC} holds already.
         */
        long commandMicros(Set<String> nested) {
            return usec.entrySet().stream()
                    .filter(e -> !e.getKey().equals("info") && !e.getKey().equals("ping")
                            && !nested.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
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
        double cpuSeconds = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys_main_thread:") || line.startsWith("used_cpu_user_main_thread:")) {
                cpuSeconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return new Reading(usec, bytes, Math.round(cpuSeconds * 1e6));
    }

    /** Bytes sent between two readings, less the INFO replies themselves. */
    long bytesBetween(Reading before, Reading after) {
        return Math.max(0, after.bytesOut() - before.bytesOut() - infoReplyBytes);
    }
}
