package io.celeryexporter.exporter;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.PrioritySteps;
import java.time.Duration;
import java.util.List;

/**
 * What to read and how often.
 *
 * @param naming             key prefix and priority separator
 * @param steps              the priority steps whose lists are read
 * @param queues             queues to export; empty means discover them from the binding sets
 * @param pollInterval       time between two polls
 * @param discoveryInterval  time between two reads of the binding sets
 */
public record ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                             Duration discoveryInterval) {

    public ExporterConfig {
        queues = List.copyOf(queues);
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive");
        }
    }

    /** Queue figures older than this are withheld rather than served as if fresh. */
    public Duration staleAfter() {
        return pollInterval.multipliedBy(3);
    }
}
