package io.celeryexporter.cli;

import io.celeryexporter.rehearsal.RateCurve;
import io.celeryexporter.rehearsal.Traffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** rehearse: simulated arrivals, a profile or a file of rates. */
public final class TrafficOptions {

    @Option(names = "--traffic", paramLabel = "PROFILE",
            description = {"Simulate: constant, burst, ramp (as in load), sine (--rate-low to --rate and back every",
                "--period), batches (--batch-size tasks at once every --period) or guide (50 tasks/s for 300 s)."})
    String traffic;

    @Option(names = "--traffic-file", paramLabel = "RATES.csv",
            description = "Simulate any shape: rows of time_s,rate, each rate holding until the next row's time.")
    Path trafficFile;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "PER_SECOND",
            description = "Average arrivals per second (sine: the peak). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--rate-low", defaultValue = "10", paramLabel = "PER_SECOND",
            description = "With --traffic sine: the trough. Default: ${DEFAULT-VALUE}.")
    double rateLow;

    @Option(names = "--period", defaultValue = "10m", converter = DurationConverter.class,
            description = "With --traffic sine: from trough to trough; batches: between two. Default: ${DEFAULT-VALUE}.")
    Duration period;

    @Option(names = "--batch-size", defaultValue = "20", paramLabel = "TASKS",
            description = "With --traffic batches: the tasks that arrive together. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    /** Whether a profile or a file was given. */
    boolean given() {
        return traffic != null || trafficFile != null;
    }

    /** A chart's words for it. */
    String title() {
        return traffic != null ? traffic + " traffic" : trafficFile.getFileName() + " traffic";
    }

    Traffic arrivals(Duration duration, long seed) {
        if (trafficFile != null) {
            try {
                return Traffic.curve(RateCurve.parse(Files.readAllLines(trafficFile)), seed);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --traffic-file " + trafficFile + ": " + e.getMessage());
            }
        }
        if (Traffic.SINE.equals(traffic)) {
            return Traffic.sine(rateLow, rate, period, duration, seed);
        }
        if (Traffic.BATCHES.equals(traffic)) {
            return Traffic.batches(batchSize, period, duration, seed);
        }
        return Traffic.of(traffic, rate, duration, seed);
    }
}
