package io.celeryexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.ChildProcess;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.testing.RedisServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./quickstart.sh} as a new user runs it (after {@code mvn package}: it finds the jar built): on a Redis that
 * answers, or, where none does, on a private redis-server it starts and removes again, whether it is stopped by
 * SIGTERM or by Ctrl-C.
 */
class QuickstartIT {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final Pattern PRIVATE =
            Pattern.compile("using a private redis-server at redis://127\\.0\\.0\\.1:(\\d+)/0");

    @TempDir
    Path tmp;

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private ProcessBuilder quickstart(String redisUrl, int webPort, String... prefix) {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(prefix), Stream.of("./quickstart.sh")).toList());
        pb.environment().put("QUICKSTART_REDIS_URL", redisUrl);
        pb.environment().put("QUICKSTART_LISTEN_ADDRESS", "127.0.0.1:" + webPort);
        pb.environment().put("TMPDIR", tmp.toString());
        return pb.redirectErrorStream(true).redirectOutput(tmp.resolve("quickstart.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("quickstart.log"));
    }

    /** Waits for live metrics with this line in them. */
    private void awaitMetrics(int webPort, String line) {
        Eventually.await(Duration.ofSeconds(60), "the quick start to serve " + line, () -> {
            try {
                return Http.get("http://127.0.0.1:" + webPort + "/metrics").body().contains(line);
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    private void awaitTheDemoQueue(int webPort) {
        awaitMetrics(webPort, "celery_queue_enqueued_total{queue_name=\"evaluation\"}");
    }

    private int privatePort() throws IOException {
        Matcher m = PRIVATE.matcher(log());
        assertTrue(m.find(), log());
        return Integer.parseInt(m.group(1));
    }

    /** Stops the quick start with {@code stop}, then checks that it left nothing behind. */
    private void stopAndCheckNothingIsLeft(Process script, Runnable stop, int expectedExit) throws Exception {
        List<ProcessHandle> children = script.descendants().toList();
        assertTrue(children.size() >= 3, "redis-server, load and serve: " + children);
        stop.run();
        try {
            assertTrue(script.waitFor(30, TimeUnit.SECONDS), "stops: " + log());
        } finally {
            ChildProcess.kill(script);
        }
        assertEquals(expectedExit, script.exitValue(), log());
        for (ProcessHandle child : children) {
            assertTrue(child.onExit().handle((h, e) -> h).toCompletableFuture().get(10, TimeUnit.SECONDS) != null
                    && !child.isAlive(), child.info().commandLine().orElse("?") + " still runs");
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve("quickstart.log")), left.toList(), "the private Redis's directory");
        }
    }

    @Test
    void withNoRedisItStartsAPrivateOneWithExactFlowsAndSigtermRemovesIt() throws Exception {
        assertTrue(RedisServer.onPath(), "redis-server on PATH (Debian: redis-server)");
        int webPort = RedisServer.freePort();
        String nothingThere = "redis://127.0.0.1:" + RedisServer.freePort() + "/15";
        Process script = quickstart(nothingThere, webPort).start();
        try {
            // keyspace notifications on: exact flows
            awaitMetrics(webPort, "celery_queue_counts_exact{queue_name=\"evaluation\"} 1.0");
            assertTrue(log().contains("quickstart: nothing answers at " + nothingThere + "; using a private "
                    + "redis-server at redis://127.0.0.1:"), log());
            int port = privatePort();
            assertTrue(listening(port));
            stopAndCheckNothingIsLeft(script, script::destroy, 143);
            assertFalse(listening(port), "the private redis-server is stopped");
        } finally {
            ChildProcess.kill(script);
        }
    }

    /** Ctrl-C: the terminal sends SIGINT to the whole foreground process group, here a session of its own. */
    @Test
    void ctrlCRemovesThePrivateRedisToo() throws Exception {
        int webPort = RedisServer.freePort();
        Process script = quickstart("redis://127.0.0.1:" + RedisServer.freePort() + "/15", webPort, "setsid").start();
        try {
            awaitTheDemoQueue(webPort);
            int port = privatePort();
            stopAndCheckNothingIsLeft(script, () -> {
                try {
                    ChildProcess.Result kill = ChildProcess.run(new ProcessBuilder("kill", "-INT", "--",
                            "-" + script.pid()), Duration.ofSeconds(10));
                    assertEquals(0, kill.exitCode(), kill.err());
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, 130);
            assertFalse(listening(port), "the private redis-server is stopped");
        } finally {
            ChildProcess.kill(script);
        }
    }

    @Test
    void aRedisThatAnswersIsUsedAsItIs() throws Exception {
        int webPort = RedisServer.freePort();
        Process script = quickstart(REDIS.url(), webPort).start();
        try {
            awaitTheDemoQueue(webPort);
            assertTrue(log().contains("quickstart: using the Redis at " + REDIS.url() + "."), log());
            assertFalse(log().contains("private"), log());
            script.destroy();
            assertTrue(script.waitFor(30, TimeUnit.SECONDS), log());
        } finally {
            ChildProcess.kill(script);
        }
    }

    @Test
    void withNeitherARedisNorRedisServerItSaysHowToInstallOne() throws Exception {
        ProcessBuilder pb = quickstart("redis://127.0.0.1:" + RedisServer.freePort() + "/15", RedisServer.freePort());
        pb.environment().put("QUICKSTART_REDIS_SERVER", tmp.resolve("no-such-redis-server").toString());
        ChildProcess.Result r = ChildProcess.run(pb.redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(false), Duration.ofSeconds(60));
        assertEquals(3, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("and no redis-server to start one. Install it (Debian: apt-get install "
                + "redis-server)"), r.err());
    }
}
