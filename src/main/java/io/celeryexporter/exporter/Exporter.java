package io.celeryexporter.exporter;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.keda.KedaConfig;
import io.celeryexporter.keda.KedaServer;
import io.celeryexporter.metrics.KedaCollector;
import io.celeryexporter.metrics.QueueCollector;
import io.celeryexporter.metrics.WorkerCollector;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.poll.PollLoop;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.web.LandingPage;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import io.celeryexporter.web.WebServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/** A running exporter: the poll loop feeding the state, and the web server reading it. */
public final class Exporter implements AutoCloseable {

    private final RedisBroker broker;
    private final Poller poller;
    private final PollLoop loop;
    private final WebServer web;
    private final ExporterState state;
    /** Null unless --keda.listen-address. */
    private final KedaServer keda;

    private Exporter(RedisBroker broker, Poller poller, PollLoop loop, WebServer web, ExporterState state,
                     KedaServer keda) {
        this.broker = broker;
        this.poller = poller;
        this.loop = loop;
        this.web = web;
        this.state = state;
        this.keda = keda;
    }

    /**
     * Starts polling and serving. The broker is owned from here on and closed with the exporter.
     *
     * @param redactedBroker the broker URL with its password masked, for the landing page
     */
    public static Exporter start(RedisBroker broker, String redactedBroker, ExporterConfig config,
                                 MessageDecoder decoder, ListenAddress listen, String version) throws IOException {
        return start(broker, redactedBroker, config, decoder, listen, WebConfig.NONE, version);
    }

    public static Exporter start(RedisBroker broker, String redactedBroker, ExporterConfig config,
                                 MessageDecoder decoder, ListenAddress listen, WebConfig web, String version)
            throws IOException {
        return start(broker, redactedBroker, config, decoder, listen, web, null, version);
    }

    /** @param keda where to serve KEDA's external scaler API; null for nowhere */
    public static Exporter start(RedisBroker broker, String redactedBroker, ExporterConfig config,
                                 MessageDecoder decoder, ListenAddress listen, WebConfig web, KedaConfig keda,
                                 String version) throws IOException {
        PollClock clock = PollClock.system();
        ExporterState state = new ExporterState(clock, config.staleAfter());
        Poller poller = new Poller(broker, config, decoder, state.counters(), clock);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new QueueCollector(state, version, config.collectors()));
        if (config.workers().enabled()) {
            registry.register(new WorkerCollector(state));
        }
        if (config.collectors().jvm()) {
            JvmMetrics.builder().register(registry);
        }
        WebServer server;
        try {
            server = new WebServer(listen, registry, state, new LandingPage(state, version, redactedBroker, web.telemetryPath()), web);
        } catch (IOException | RuntimeException e) {
            broker.close(); // nothing else has started yet
            throw e;
        }
        KedaServer kedaServer = null;
        if (keda != null) {
            try {
                kedaServer = KedaServer.start(keda, state, poller);
            } catch (IOException | RuntimeException e) {
                server.close();
                broker.close();
                throw e;
            }
            registry.register(new KedaCollector(kedaServer.stats()));
        }
        PollLoop loop = new PollLoop(poller, state, config.pollInterval());
        loop.start();
        return new Exporter(broker, poller, loop, server, state, kedaServer);
    }

    public InetSocketAddress address() {
        return web.address();
    }

    public ExporterState state() {
        return state;
    }

    /** KEDA's open StreamIsActive calls. */
    public int kedaStreams() {
        return keda == null ? 0 : keda.streams();
    }

    /** Where KEDA's external scaler API is served, if it is. */
    public Optional<InetSocketAddress> kedaAddress() {
        return Optional.ofNullable(keda).map(KedaServer::address);
    }

    @Override
    public void close() {
        if (keda != null) {
            keda.close();
        }
        web.close();
        loop.close();
        poller.close();
        broker.close();
    }
}
