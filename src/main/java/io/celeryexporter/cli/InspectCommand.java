package io.celeryexporter.cli;

import io.celeryexporter.broker.BrokerConnector;
import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.PollCounters;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.tracking.PollClock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print a one-shot snapshot of every queue and exit.")
public final class InspectCommand implements Callable<Integer> {

    enum Format { table, json }

    @Spec CommandSpec spec;
    @Mixin BrokerOptions broker = new BrokerOptions();
    @Mixin QueueOptions queues = new QueueOptions();
    @Mixin WorkerOptions workers = new WorkerOptions();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (aligned, for people) or json (for scripts). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--worker.listen-for", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = {"How long to listen to the workers' heartbeats before reading: at least 4 s (2 x their",
                "heartbeat interval) to tell an orphaned task from a held one. Default: ${DEFAULT-VALUE}."})
    Duration listenFor;

    @Override
    public Integer call() throws InterruptedException {
        BrokerSettings settings = broker.settings();
        ExporterConfig config = queues.config(Duration.ofSeconds(1), Integer.MAX_VALUE)
                .withWorkers(workers.config());
        PollResult result;
        try (RedisBroker redis = BrokerConnector.connect(settings);
             Poller poller = new Poller(redis, config, queues.decoder(), new PollCounters(), PollClock.system())) {
            result = poller.poll();
            if (config.workers().enabled()) {
                // the first poll subscribed to the workers' events: hear every worker's heartbeat, then read again
                Thread.sleep(listenFor.toMillis());
                result = poller.poll();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(format == Format.json
                ? InspectFormats.json(settings.url().redacted(), result)
                : InspectFormats.table(result));
        out.flush();
        return ExitCodes.OK;
    }
}
