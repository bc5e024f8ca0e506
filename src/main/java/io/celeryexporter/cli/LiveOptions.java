package io.celeryexporter.cli;

import picocli.CommandLine.Option;

/** rehearse --live: on a real broker, in real time. */
public final class LiveOptions {

    @Option(names = "--live", description = {"Rehearse on a real broker, in real time: publish the --traffic as real",
        "Celery messages into --queue, consume them with modelled pods, and measure the queue with the exporter."})
    boolean live;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "With --live: kombu's global_keyprefix.")
    String keyPrefix;

    @Option(names = "--force", description = "With --live: rehearse even if the queue holds tasks (they join the load).")
    boolean force;

    @Option(names = "--prometheus", paramLabel = "URL", description = {"With --live: read the queue through this",
        "Prometheus, as the adapter's query does; it must scrape the exporter the rehearsal serves on",
        "--exporter.listen-address."})
    String prometheus;

    @Option(names = "--exporter.listen-address", paramLabel = "[HOST]:PORT", defaultValue = ":9808",
            description = "With --live --prometheus: where the rehearsal serves its exporter. Default: ${DEFAULT-VALUE}.")
    String exporterListen;

    @Option(names = "--compare", description = {"With --live: also simulate the same traffic, seed and options; the",
        "output is {\"live\": SUMMARY, \"simulated\": SUMMARY}, and --chart draws both."})
    boolean compare;
}
