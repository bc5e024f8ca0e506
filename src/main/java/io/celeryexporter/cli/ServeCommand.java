package io.celeryexporter.cli;

import io.celeryexporter.broker.BrokerConnector;
import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.keda.KedaConfig;
import io.celeryexporter.web.HttpLimits;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Poll the broker and serve Prometheus metrics (the default command).")
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin BrokerOptions broker = new BrokerOptions();
    @Mixin QueueOptions queues = new QueueOptions();
    @Mixin WorkerOptions workers = new WorkerOptions();
    @Mixin KedaOptions keda = new KedaOptions();

    @Option(names = "--web.listen-address", paramLabel = "[HOST]:PORT", defaultValue = ":9808",
            description = "Address to serve /metrics on. Default: ${DEFAULT-VALUE}.")
    String listenAddress;

    @Option(names = "--web.config.file", paramLabel = "FILE",
            description = {"TLS and basic auth for /metrics and /, in the Prometheus exporter-toolkit web-config.yml",
                "format (tls_server_config, basic_auth_users with bcrypt hashes). Probes stay open."})
    Path webConfigFile;

    @Option(names = "--web.telemetry-path", paramLabel = "PATH", defaultValue = WebConfig.DEFAULT_TELEMETRY_PATH,
            description = "Path under which to serve the metrics. Default: ${DEFAULT-VALUE}.")
    String telemetryPath;

    @Option(names = "--web.read-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = {"Close a connection that sends nothing for this long, mid-request or between requests,",
                "so slow or stuck clients cannot hold the server. Default: ${DEFAULT-VALUE}."})
    Duration readTimeout;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Time between two polls of the broker. Default: ${DEFAULT-VALUE}.")
    Duration pollInterval;

    @Option(names = "--flows", paramLabel = "SOURCE", defaultValue = "auto", converter = FlowsConverter.class,
            description = {"Where arrivals, departures and waits come from: auto (Redis keyspace notifications when",
                "the broker publishes list events, else Celery task events where producers send task-sent and",
                "workers run with -E, else snapshots), keyspace-events (subscribe even where CONFIG GET is",
                "refused), celery-events, or snapshots (polls only: lower bounds). Default: ${DEFAULT-VALUE}."})
    ExporterConfig.Flows flows;

    /** {@code auto}, {@code keyspace-events}, {@code celery-events}, {@code snapshots}. */
    static final class FlowsConverter implements ITypeConverter<ExporterConfig.Flows> {
        @Override
        public ExporterConfig.Flows convert(String value) {
            for (ExporterConfig.Flows f : ExporterConfig.Flows.values()) {
                if (f.name().replace('_', '-').equalsIgnoreCase(value.strip())) {
                    return f;
                }
            }
            throw new TypeConversionException("'" + value
                    + "' is not one of auto, keyspace-events, celery-events, snapshots");
        }
    }

    @Override
    public Integer call() throws Exception {
        BrokerSettings settings = broker.settings();
        ListenAddress listen = ListenAddress.parse(listenAddress);
        WebConfig web = (webConfigFile == null ? WebConfig.NONE : WebConfig.load(webConfigFile))
                .withLimits(new HttpLimits(readTimeout, HttpLimits.DEFAULT.maxHeaderBytes(),
                        HttpLimits.DEFAULT.maxHeaders()))
                .withTelemetryPath(telemetryPath);
        ExporterConfig config = queues.config(pollInterval).withFlows(flows).withWorkers(workers.config());
        CountDownLatch stopped = new CountDownLatch(1);
        KedaConfig kedaConfig = keda.config();
        Exporter exporter = Exporter.start(BrokerConnector.connect(settings), settings.url().redacted(), config,
                queues.decoder(), listen, web, kedaConfig, Version.current());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            exporter.close();
            stopped.countDown();
        }, "shutdown"));
        LOG.info("celery-queue-exporter {} serving {}://{}{}, polling {} every {}", Version.current(),
                web.tls() ? "https" : "http",
                listenAddress.startsWith(":") ? "localhost" + listenAddress : listenAddress, telemetryPath,
                settings.url().redacted(), pollInterval.toString().substring(2).toLowerCase());
        if (kedaConfig != null) {
            LOG.info("serving KEDA's external scaler API (gRPC{}) on {}", kedaConfig.tls() ? ", TLS" : "",
                    exporter.kedaAddress().orElseThrow());
        }
        stopped.await();
        return ExitCodes.OK;
    }
}
