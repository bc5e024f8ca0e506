package io.celeryexporter.cli;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Option;

/** Which queues to read and how kombu names their keys; shared by serve and inspect. */
public final class QueueOptions {

    @Option(names = "--queue", paramLabel = "NAME",
            description = "Queue to export (repeatable). Default: every queue found in the _kombu.binding.* sets.")
    List<String> queues = new ArrayList<>();

    @Option(names = "--queue.include", paramLabel = "REGEX", defaultValue = ".*",
            description = {"Export only the discovered queues whose whole name matches. Default: ${DEFAULT-VALUE}.",
                "An explicit --queue list is taken as it is."})
    String include;

    @Option(names = "--queue.exclude", paramLabel = "REGEX",
            description = "Leave out the discovered queues whose whole name matches (after --queue.include).")
    String exclude;

    boolean waitHistogram = true;
    boolean byPriority = true;
    boolean jvm = true;

    // picocli derives --no-X only for names without dots, so both spellings are declared, as node_exporter has them
    @Option(names = "--collector.wait-histogram",
            description = "Serve celery_queue_wait_seconds, about 20 series per queue. Default: on.")
    void waitHistogramOn(boolean on) {
        waitHistogram = true;
    }

    @Option(names = "--no-collector.wait-histogram", description = "Leave celery_queue_wait_seconds out.")
    void waitHistogramOff(boolean off) {
        waitHistogram = false;
    }

    @Option(names = "--collector.by-priority",
            description = "Serve celery_queue_length_by_priority, for the steps a queue uses. Default: on.")
    void byPriorityOn(boolean on) {
        byPriority = true;
    }

    @Option(names = "--no-collector.by-priority", description = "Leave celery_queue_length_by_priority out.")
    void byPriorityOff(boolean off) {
        byPriority = false;
    }

    @Option(names = "--collector.jvm", description = "Serve the JVM's and the process's jvm_* and process_* series."
            + " Default: on.")
    void jvmOn(boolean on) {
        jvm = true;
    }

    @Option(names = "--no-collector.jvm", description = "Leave the jvm_* and process_* series out.")
    void jvmOff(boolean off) {
        jvm = false;
    }

    @Option(names = "--key-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "kombu's global_keyprefix transport option, if the app sets one (e.g. 'myapp:').")
    String keyPrefix;

    @Option(names = "--priority-steps", paramLabel = "LIST", defaultValue = "0,1,2,3,4,5,6,7,8,9",
            description = {"Priority steps whose sub-lists are read, as in kombu's priority_steps option.",
                "Default: ${DEFAULT-VALUE}, which covers every step set Celery allows."})
    String prioritySteps;

    @Option(names = "--discovery-interval", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How often to re-read the binding sets for new queues. Default: ${DEFAULT-VALUE}.")
    Duration discoveryInterval;

    @Option(names = "--discovery.keep-vanished-for", paramLabel = "DURATION", defaultValue = "24h",
            converter = DurationConverter.class,
            description = {"A discovered queue whose binding vanished (a FLUSHALL, a broker restarted without",
                "persistence) is still exported this long, at its lists' depth (0 while empty), so an autoscaler",
                "scaled to zero keeps its metric until a worker or producer binds it again; 0s drops it at once.",
                "Default: ${DEFAULT-VALUE}."})
    Duration keepVanishedFor;

    @Option(names = "--enqueue-time-header", paramLabel = "NAME",
            description = {"Message header holding the publish time (epoch seconds or ISO-8601), best first",
                "(repeatable). Default: " + MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER + ", which the Sentry SDK adds."})
    List<String> enqueueTimeHeaders = new ArrayList<>(List.of(MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER));

    @Option(names = "--task-breakdown",
            description = "Also export celery_queue_tasks: exact counts of queued tasks per task name.")
    boolean taskBreakdown;

    @Option(names = "--task-breakdown.max-names", paramLabel = "N", defaultValue = "100",
            description = "Task names to count before the rest count as 'other'. Default: ${DEFAULT-VALUE}.")
    int maxTaskNames;

    @Option(names = "--task-breakdown.pages-per-poll", paramLabel = "N", defaultValue = "10",
            description = {"Pages of 1000 messages read per poll while building the counts (at start, and after",
                "kombu restores messages). Default: ${DEFAULT-VALUE}."})
    int breakdownPagesPerPoll;

    ExporterConfig.TaskBreakdownConfig breakdown(int pagesPerPoll) {
        if (maxTaskNames < 1 || pagesPerPoll < 1) {
            throw new IllegalArgumentException("--task-breakdown.max-names and .pages-per-poll must be at least 1");
        }
        return taskBreakdown ? new ExporterConfig.TaskBreakdownConfig(true, maxTaskNames, pagesPerPoll)
                : ExporterConfig.TaskBreakdownConfig.OFF;
    }

    /** The exporter configuration; {@code pagesPerPoll} overrides the breakdown budget (inspect reads all at once). */
    ExporterConfig config(Duration pollInterval, int pagesPerPoll) {
        return new ExporterConfig(naming(), steps(), queues, pollInterval, discoveryInterval, breakdown(pagesPerPoll),
                new ExporterConfig.QueueFilter(regex("--queue.include", include),
                        exclude == null ? null : regex("--queue.exclude", exclude)),
                new ExporterConfig.Collectors(waitHistogram, byPriority, jvm)).withKeepVanishedFor(keepVanishedFor);
    }

    private static Pattern regex(String flag, String text) {
        try {
            return Pattern.compile(text, Pattern.DOTALL); // queue names may hold any character
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(flag + " '" + text + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    ExporterConfig config(Duration pollInterval) {
        return config(pollInterval, breakdownPagesPerPoll);
    }

    MessageDecoder decoder() {
        return new MessageDecoder(enqueueTimeHeaders);
    }

    KeyNaming naming() {
        return KeyNaming.withPrefix(keyPrefix);
    }

    PrioritySteps steps() {
        return PrioritySteps.parse(prioritySteps);
    }
}
