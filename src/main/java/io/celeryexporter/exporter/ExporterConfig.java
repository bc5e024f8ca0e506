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
 * @param breakdown          per-task-name counts, or {@link TaskBreakdownConfig#OFF}
 */
public record ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                             Duration discoveryInterval, TaskBreakdownConfig breakdown) {

    /**
     * @param enabled       keep exact counts of queued tasks per task name
     * @param maxNames      task names per exporter before the rest count as "other"
     * @param pagesPerPoll  budget of paged reads (1000 elements each) per poll for building the counts
     */
    public record TaskBreakdownConfig(boolean enabled, int maxNames, int pagesPerPoll) {
        public static final TaskBreakdownConfig OFF = new TaskBreakdownConfig(false, 0, 0);
    }

    public ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                          Duration discoveryInterval) {
        this(naming, steps, queues, pollInterval, discoveryInterval, TaskBreakdownConfig.OFF);
    }

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
