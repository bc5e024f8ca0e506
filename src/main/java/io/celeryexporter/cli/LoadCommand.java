package io.celeryexporter.cli;

import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.load.LoadGenerator;
import io.celeryexporter.load.LoadSettings;
import io.celeryexporter.load.RateProfile;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;

@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Publish real Celery messages into a Redis queue (and optionally drain them), to rehearse",
            "autoscaling. This command WRITES to the broker; the exporter never does."})
public final class LoadCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin BrokerOptions broker = new BrokerOptions();

    @Option(names = "--queue", defaultValue = "evaluation", description = "Target queue. Default: ${DEFAULT-VALUE}.")
    String queue;

    @Option(names = "--task", paramLabel = "NAME", description = "Task name (repeatable; used in turn)."
            + " Default: tasks.evaluate.")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--rate", defaultValue = "50", paramLabel = "PER_SECOND",
            description = "Average tasks published per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--profile", defaultValue = "constant", paramLabel = "PROFILE",
            description = "constant, burst (10 s at 4x, 30 s idle) or ramp (up to the rate and down)."
                    + " Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--duration", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long to run. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--consume-rate", defaultValue = "0", paramLabel = "PER_SECOND",
            description = "Tasks drained per second with BRPOP, like workers. Default: ${DEFAULT-VALUE} (none).")
    double consumeRate;

    @Option(names = "--priority", defaultValue = "0", paramLabel = "LIST",
            description = "Priorities 0-9, used in turn, e.g. 0,0,5,9. Default: ${DEFAULT-VALUE}.")
    String priorities;

    @Option(names = "--priority-steps", defaultValue = "0,3,6,9", paramLabel = "LIST",
            description = "The app's kombu priority_steps. Default: ${DEFAULT-VALUE} (kombu's).")
    String prioritySteps;

    @Option(names = "--payload-bytes", defaultValue = "0", description = "Size of a string argument per task.")
    int payloadBytes;

    @Option(names = "--fill", defaultValue = "0", paramLabel = "N",
            description = "First publish N tasks as fast as possible (pipelined), to build a deep queue.")
    long fill;

    @Option(names = "--key-prefix", defaultValue = "", description = "kombu's global_keyprefix.")
    String keyPrefix;

    @Override
    public Integer call() throws Exception {
        List<Integer> priorityList = parseInts(priorities);
        LoadSettings settings = new LoadSettings(queue, tasks.isEmpty() ? List.of("tasks.evaluate") : tasks, rate,
                RateProfile.valueOf(profile.toUpperCase()), duration, consumeRate, priorityList, payloadBytes, fill,
                keyPrefix);
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        try (UnifiedJedis redis = io.celeryexporter.broker.BrokerConnector.openClient(broker.settings())) {
            LoadGenerator generator = new LoadGenerator(redis, settings, PrioritySteps.parse(prioritySteps));
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                generator.stop();
                try {
                    finished.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "load-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                LoadGenerator.Progress last = generator.run(p -> {
                    err.print((terminal ? "\r" : "") + format(p) + (terminal ? "   " : System.lineSeparator()));
                    err.flush();
                });
                err.println((terminal ? System.lineSeparator() : "") + "done: " + format(last));
            } finally {
                finished.countDown();
            }
        }
        return ExitCodes.OK;
    }

    private static String format(LoadGenerator.Progress p) {
        double rate = p.elapsedSeconds() > 0 ? p.published() / p.elapsedSeconds() : 0;
        return String.format("sent %d (%.1f/s)  consumed %d  depth %d  elapsed %.0fs", p.published(), rate,
                p.consumed(), p.depth(), p.elapsedSeconds());
    }

    private static List<Integer> parseInts(String list) {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                out.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--priority '" + s.trim() + "' is not a whole number");
            }
        }
        return out;
    }
}
