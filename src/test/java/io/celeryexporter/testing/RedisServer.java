package io.celeryexporter.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** A real {@code redis-server} process on a free loopback port, started and stopped by a test. */
public final class RedisServer implements AutoCloseable {

    private final List<String> extraArgs;
    private final Path dir;
    private String sentinelConfig;
    private int port;
    private Process process;

    private RedisServer(List<String> extraArgs) throws IOException {
        this.extraArgs = List.copyOf(extraArgs);
        this.dir = Files.createTempDirectory("redis-test");
    }

    /** Stands for the chosen port in extra arguments, e.g. {@code "--tls-port", PORT, "--port", "0"}. */
    public static final String PORT = "{port}";

    /** Starts a server; extra arguments are passed to redis-server as they are (e.g. {@code --requirepass x}). */
    public static RedisServer start(String... extraArgs) {
        try {
            RedisServer server = new RedisServer(List.of(extraArgs));
            server.startOnFreePort();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Sentinel (redis-server in sentinel mode) watching {@code masterName} at the given port on loopback, with a
     * quorum of 1 and short timeouts so a failover takes a couple of seconds.
     */
    public static RedisServer startSentinel(String masterName, int masterPort) {
        try {
            RedisServer sentinel = new RedisServer(List.of());
            sentinel.sentinelConfig = String.join("\n",
                    "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel down-after-milliseconds " + masterName + " 1000",
                    "sentinel failover-timeout " + masterName + " 5000",
                    "sentinel parallel-syncs " + masterName + " 1", "");
            sentinel.startOnFreePort();
            return sentinel;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean onPath() {
        return executable() != null;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** A client with no credentials, for servers started without auth. */
    public RedisClient client() {
        return RedisClient.create("127.0.0.1", port);
    }

    /** The same with a longer command timeout, for commands that are slow on purpose (a benchmark's full scan). */
    public RedisClient client(Duration timeout) {
        return RedisClient.builder().hostAndPort("127.0.0.1", port)
                .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis((int) timeout.toMillis()).build())
                .build();
    }

    private void startOnFreePort() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = freePort();
            try {
                launch();
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Starts the process again on the same port, e.g. after {@link #kill()}. */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void launch() throws IOException {
        String exe = executable();
        if (exe == null) {
            throw new IOException("redis-server is not on PATH");
        }
        List<String> command = new ArrayList<>(List.of(exe));
        if (sentinelConfig != null) { // sentinel mode: a config file it may rewrite, then --sentinel
            Path conf = dir.resolve("sentinel.conf");
            if (!Files.exists(conf)) {
                Files.writeString(conf, sentinelConfig);
            }
            command.addAll(List.of(conf.toString(), "--sentinel"));
        }
        command.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--daemonize", "no"));
        if (sentinelConfig == null) {
            command.addAll(List.of("--save", "", "--appendonly", "no"));
        }
        extraArgs.forEach(arg -> command.add(arg.replace(PORT, String.valueOf(port))));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            if (acceptsConnections()) {
                return;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not accept connections within 5 s");
    }

    private boolean acceptsConnections() {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the process at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private static String executable() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** A loopback port nothing listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
