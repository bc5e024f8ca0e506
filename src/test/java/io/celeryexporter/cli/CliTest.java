package io.celeryexporter.cli;

import static io.celeryexporter.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.ChildProcess;
import io.celeryexporter.testing.RealRedis;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.RedisClient;

class CliTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final String SECRET = "Pa55-TopSecret";



    /** Runs the CLI in a child JVM, for what needs its own environment or process exit. */
    private static CliResult runProcess(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("CELERY_BROKER_URL");
        pb.environment().putAll(env);
        ChildProcess.Result r = ChildProcess.run(pb, Duration.ofSeconds(30));
        return new CliResult(r.exitCode(), r.out(), r.err());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void versionAndHelpExitZero() {
        CliResult version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("celery-queue-exporter "), version.out());
        CliResult help = run("serve", "--help");
        assertEquals(0, help.code());
        for (String flag : List.of("--broker.url", "--web.listen-address", "--poll-interval", "--queue",
                "--key-prefix", "--priority-steps", "--sentinel.master-name", "--broker.tls-ca-file", "--flows")) {
            assertTrue(help.out().contains(flag), flag);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--bogus                                    | Unknown option: '--bogus'",
        "serve --poll-interval soon                 | 'soon' is not a duration",
        "serve --web.listen-address nowhere         | must be host:port or :port",
        "inspect --broker.url http://:" + SECRET + "@h | unsupported broker URL scheme 'http'",
        "inspect --broker.url redis://:" + SECRET + "@h:99999 | port is not a number",
        "inspect --priority-steps 0,12              | priority step 12 is outside 0..9",
        "inspect --broker.url sentinel://h1:26379   | needs --sentinel.master-name",
        "inspect --output yaml                      | Invalid value for option '--output'",
        "inspect --queue.exclude (tenant            | --queue.exclude '(tenant' is not a regular expression",
        "serve --web.read-timeout 0s                | --web.read-timeout must be positive",
        "inspect --log.level verbose                | Invalid value for option '--log.level'",
        "serve --log.format yaml                    | Invalid value for option '--log.format'",
        "serve --flows events                       | 'events' is not one of auto, keyspace-events, celery-events, snapshots",
    })
    void badInputGetsOneClearLineAndTheUsageExitCode(String args, String expected) {
        CliResult r = run(args.trim().split(" +"));
        assertEquals(ExitCodes.USAGE, r.code(), r.all());
        assertTrue(r.err().contains(expected), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertFalse(r.all().contains("\tat "), "no stack trace: " + r.all());
        assertFalse(r.all().contains(SECRET), "no password: " + r.all());
    }

    /** Every flag can come from CELERY_EXPORTER_*; a flag on the command line wins. */
    @Test
    void flagsComeFromTheEnvironmentToo() throws Exception {
        CliResult fromEnv = runProcess(Map.of("CELERY_EXPORTER_PRIORITY_STEPS", "0,12"), "inspect", "--broker.url",
                REDIS.url());
        assertEquals(ExitCodes.USAGE, fromEnv.code(), fromEnv.all());
        assertTrue(fromEnv.err().contains("priority step 12 is outside 0..9"), fromEnv.err());
        CliResult flagWins = runProcess(Map.of("CELERY_EXPORTER_PRIORITY_STEPS", "0,12"), "inspect", "--broker.url",
                REDIS.url(), "--priority-steps", "0,3");
        assertEquals(ExitCodes.OK, flagWins.code(), flagWins.all());
        CliResult alias = run("inspect", "--broker-url", REDIS.url());
        assertEquals(ExitCodes.OK, alias.code(), "celery-exporter's spelling: " + alias.all());
    }

    /** Exporter-style collector switches, both spellings, parse, and the filters take regexes. */
    @Test
    void collectorSwitchesAndQueueFiltersParse() {
        for (String[] args : new String[][] {
            {"--no-collector.wait-histogram", "--no-collector.by-priority", "--no-collector.jvm", "--log.level", "warn",
                "--log.format", "json"},
            {"--collector.wait-histogram", "--collector.by-priority", "--queue.include", "tenant-.*",
                "--queue.exclude", ".*-test"}}) {
            List<String> command = new ArrayList<>(List.of("inspect", "--broker.url", REDIS.url()));
            command.addAll(List.of(args));
            CliResult r = run(command.toArray(new String[0]));
            assertEquals(ExitCodes.OK, r.code(), r.all());
        }
    }

    @Test
    void unreachableBrokerExitsThreeWithAHint() throws Exception {
        CliResult r = run("inspect", "--broker.url", "redis://:" + SECRET + "@127.0.0.1:" + closedPort() + "/0");
        assertEquals(ExitCodes.BROKER, r.code(), r.all());
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.get(0).startsWith("error: cannot reach the broker"), r.err());
        assertTrue(r.err().contains("redis-server"), "says what to do: " + r.err());
        assertFalse(r.all().contains(SECRET));
        assertFalse(r.all().contains("\tat "));
    }

    @Test
    void aTakenListenPortIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliResult r = run("serve", "--broker.url", REDIS.url(), "--web.listen-address",
                    "127.0.0.1:" + taken.getLocalPort());
            assertEquals(ExitCodes.FAILURE, r.code(), r.all());
            assertTrue(r.err().startsWith("error: cannot listen on --web.listen-address"), r.err());
            assertFalse(r.all().contains("\tat "), r.all());
        }
    }

    @Test
    void wrongPasswordIsReportedAsSuch() {
        REDIS.acl("SETUSER", "cli-user", "on", ">right", "~*", "+@all");
        CliResult r = run("inspect", "--broker.url",
                "redis://cli-user:" + SECRET + "@" + REDIS.host() + ":" + REDIS.port() + "/0");
        assertEquals(ExitCodes.BROKER, r.code(), r.all());
        assertTrue(r.err().contains("refused the credentials"), r.err());
        assertFalse(r.all().contains(SECRET));
    }

    @Test
    void inspectPrintsATableAndJson() {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            celery.publish("evaluation", 0, 3);
            celery.publish("evaluation", 9, 2);
            celery.declare("idle");
        }
        String url = REDIS.url() + "/0";
        CliResult table = run("inspect", "--broker.url", url);
        assertEquals(0, table.code(), table.all());
        List<String> lines = table.out().lines().toList();
        assertEquals(List.of("QUEUE", "LENGTH", "BY", "PRIORITY", "RESERVED", "SCHEDULED", "BACKLOG", "PREFETCHED",
                "RUNNING", "ORPHANED", "OVERDUE", "ATTRIBUTION"), List.of(lines.get(0).trim().split(" +")));
        assertEquals(List.of("evaluation", "5", "0=3", "9=2", "0", "0", "5", "0", "0", "0", "0", "certain"),
                List.of(lines.get(1).trim().split(" +")));
        assertEquals(List.of("idle", "0", "-", "0", "0", "0", "0", "0", "0", "0", "certain"),
                List.of(lines.get(2).trim().split(" +")));
        assertEquals("", lines.get(3));
        assertTrue(lines.get(4).startsWith("No worker heard from"), table.out());
        int reservedEnd = lines.get(0).indexOf("RESERVED") + "RESERVED".length();
        for (String line : lines.subList(0, 3)) {
            assertEquals(lines.get(0).length(), line.length(), "numbers are right-aligned: " + table.out());
            assertTrue(Character.isDigit(line.charAt(reservedEnd - 1)) || line == lines.get(0), line);
        }

        CliResult json = run("inspect", "--broker.url", url, "--output", "json");
        assertEquals(0, json.code(), json.all());
        assertTrue(json.out().contains("\"name\" : \"evaluation\""), json.out());
        assertTrue(json.out().contains("\"length\" : 5"), json.out());
        assertTrue(json.out().contains("\"9\" : 2"), json.out());
        assertTrue(json.out().contains("\"backlog\" : 5"), json.out());
    }

    @Test
    void optionsBeforeTheSubcommandAreTheSubcommands() {
        try (RedisClient redis = REDIS.client()) {
            new CeleryRedis(redis).publish("evaluation", 0, 3);
        }
        CliResult r = run("--broker.url", REDIS.url() + "/0", "--log.level", "warn", "inspect", "-o", "json");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("\"length\" : 3"), r.out());

        assertEquals(List.of("inspect", "--broker.url", "redis://x", "-o", "json"),
                List.of(Main.subcommandFirst(new String[] {"--broker.url", "redis://x", "inspect", "-o", "json"})));
        assertEquals(List.of("inspect", "--no-collector.workers"),
                List.of(Main.subcommandFirst(new String[] {"--no-collector.workers", "inspect"})));
        // an option's value is not a subcommand: serve, on the queue named inspect
        assertEquals(List.of("--queue", "inspect", "--broker.url", "redis://x"),
                List.of(Main.subcommandFirst(new String[] {"--queue", "inspect", "--broker.url", "redis://x"})));
        assertEquals(List.of("--queue=inspect", "--web.listen-address", ":0"),
                List.of(Main.subcommandFirst(new String[] {"--queue=inspect", "--web.listen-address", ":0"})));
    }

    @Test
    void kedaTlsFlagsWithoutTheKedaPortAreOneClearLine() {
        CliResult r = run("serve", "--broker.url", REDIS.url() + "/0", "--keda.tls-cert-file", "/nonexistent.crt");
        assertEquals(ExitCodes.USAGE, r.code(), r.all());
        assertTrue(r.err().contains("the --keda.tls-* flags need --keda.listen-address"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aTakenKedaPortIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliResult r = run("serve", "--broker.url", REDIS.url() + "/0", "--web.listen-address", "127.0.0.1:0",
                    "--keda.listen-address", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(ExitCodes.FAILURE, r.code(), r.all());
            assertTrue(r.err().contains("error: cannot listen on --keda.listen-address 127.0.0.1"), r.err());
            assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("ts=")).count(), r.err());
        }
    }

    /** Tasks queued before inspect met them carry no time: their age is unknown, never a 0 that reads as fresh. */
    @Test
    void inspectReportsAnUnknownAgeAsNull() throws Exception {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            celery.publish("backlogged", 0, 600);
            celery.declare("idle");
        }
        CliResult json = run("inspect", "--broker.url", REDIS.url() + "/0", "-o", "json");
        assertEquals(0, json.code(), json.all());
        Map<String, JsonNode> queues = new HashMap<>();
        new ObjectMapper().readTree(json.out()).get("queues").forEach(q -> queues.put(q.get("name").asText(), q));
        assertEquals(600, queues.get("backlogged").get("length").asLong());
        assertTrue(queues.get("backlogged").get("oldest_task_age_seconds").isNull(), json.out());
        assertTrue(queues.get("backlogged").get("age_is_lower_bound").asBoolean(), json.out());
        assertEquals(0.0, queues.get("idle").get("oldest_task_age_seconds").asDouble(), json.out());
        assertTrue(queues.get("idle").get("oldest_task_age_seconds").isNumber(), "an empty queue's age is 0");
        assertFalse(queues.get("idle").get("age_is_lower_bound").asBoolean(), json.out());
    }

    @Test
    void passwordFromTheEnvironmentNeverAppearsInHelpOrErrors() throws Exception {
        Map<String, String> env = Map.of("CELERY_BROKER_URL",
                "redis://:" + SECRET + "@127.0.0.1:" + closedPort() + "/0");
        CliResult help = runProcess(env, "serve", "--help");
        assertEquals(0, help.code(), help.all());
        assertFalse(help.all().contains(SECRET), help.all());
        CliResult inspect = runProcess(env, "inspect");
        assertEquals(ExitCodes.BROKER, inspect.code(), inspect.all());
        assertTrue(inspect.err().contains("cannot reach the broker"), inspect.err());
        assertFalse(inspect.all().contains(SECRET), inspect.all());
    }
}
