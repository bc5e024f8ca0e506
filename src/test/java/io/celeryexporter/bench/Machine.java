package io.celeryexporter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.UnifiedJedis;

/** One line describing where the benchmark ran. */
final class Machine {

    private Machine() {}

    static String describe(UnifiedJedis redis) {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux: keep the placeholder
        }
        String redisVersion = redis.info("server").lines().filter(l -> l.startsWith("redis_version:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        return String.format("%d cores (%s), %.0f GiB RAM, Java %s (%s), redis-server %s, %s",
                Runtime.getRuntime().availableProcessors(), cpu,
                ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean()).getTotalMemorySize() / 1024.0 / 1024 / 1024,
                System.getProperty("java.version"), System.getProperty("java.vm.name"), redisVersion,
                java.time.LocalDate.now());
    }
}
