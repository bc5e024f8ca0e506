package io.celeryexporter.cli;

import io.celeryexporter.celery.WorkerInfo;
import io.celeryexporter.workers.WorkerGrouping;
import io.celeryexporter.workers.WorkersConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Option;

/** The worker side: how workers are grouped, what each group consumes, and kombu's timeouts; serve and inspect. */
public final class WorkerOptions {

    boolean enabled = true;

    @Option(names = "--collector.workers", description = {"Listen to the workers' heartbeats and split what they hold"
            + " (celery_workers_*, celery_queue_held_*,", "celery_queue_backlog). Default: on."})
    void workersOn(boolean on) {
        enabled = true;
    }

    @Option(names = "--no-collector.workers", description = "Leave the worker side out: no celeryev subscription.")
    void workersOff(boolean off) {
        enabled = false;
    }

    @Option(names = "--worker.group-pattern", paramLabel = "REGEX",
            description = {"Groups workers by node name: the first capturing group of a whole match names the group;",
                "a name that does not match counts as 'other'. Default: Kubernetes pod names, e.g.",
                "celery@dispatcher-7d9f8c6b5-x2x9q -> dispatcher."})
    String groupPattern;

    @Option(names = "--worker.queues", paramLabel = "GROUP=Q1,Q2", mapFallbackValue = "",
            description = "Queues a group consumes, where its workers do not advertise them (repeatable).")
    Map<String, String> queues = new LinkedHashMap<>();

    @Option(names = "--worker.concurrency", paramLabel = "GROUP=N",
            description = "Slots (pool size) of each worker of a group, where they do not advertise it (repeatable).")
    Map<String, Integer> concurrency = new LinkedHashMap<>();

    @Option(names = "--worker.prefetch-multiplier", paramLabel = "GROUP=N",
            description = "A group's worker_prefetch_multiplier, where not advertised. Default: 4, Celery's.")
    Map<String, Integer> prefetchMultiplier = new LinkedHashMap<>();

    @Option(names = "--worker.acks-late", paramLabel = "GROUP=BOOL",
            description = "A group runs with task_acks_late, where not advertised. Default: false, Celery's.")
    Map<String, Boolean> acksLate = new LinkedHashMap<>();

    @Option(names = "--worker.stop-grace", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = {"How long a worker that said worker-offline may still hold tasks (a warm shutdown finishes",
                "its running tasks, then restores its prefetched ones): your terminationGracePeriodSeconds.",
                "Default: ${DEFAULT-VALUE}, Kubernetes'."})
    Duration stopGrace;

    @Option(names = "--broker.visibility-timeout", paramLabel = "DURATION", defaultValue = "1h",
            converter = DurationConverter.class,
            description = {"kombu's visibility_timeout transport option: a task held longer is restored and may run",
                "twice. Default: ${DEFAULT-VALUE}, kombu's."})
    Duration visibilityTimeout;

    @Option(names = "--load.drain-time", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = {"How soon celery_queue_required_replicas asks to drain a backlog: the replicas to run it",
                "within this long, beside the steady load. Default: ${DEFAULT-VALUE}."})
    Duration drainTime;

    @Option(names = "--load.lead-time", paramLabel = "DURATION", defaultValue = "25s",
            converter = DurationConverter.class,
            description = {"How far ahead celery_queue_required_replicas reads the arrivals' trend (a line through",
                "the last two minutes), so that an autoscaler starts pods before the rate gets there: about a scrape,",
                "a sync and part of the pods' start-up. 0s reads the line now. Default: ${DEFAULT-VALUE}."})
    Duration leadTime;

    WorkersConfig config() {
        if (!enabled) {
            return WorkersConfig.OFF;
        }
        Pattern pattern = WorkerGrouping.DEFAULT_PATTERN;
        if (groupPattern != null) {
            try {
                pattern = Pattern.compile(groupPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--worker.group-pattern '" + groupPattern
                        + "' is not a regular expression: " + e.getDescription());
            }
        }
        if (drainTime.isZero()) {
            throw new IllegalArgumentException("--load.drain-time must be positive");
        }
        return new WorkersConfig(true, new WorkerGrouping(pattern, configuredGroups()), stopGrace, visibilityTimeout,
                drainTime, leadTime);
    }

    private Map<String, WorkerInfo> configuredGroups() {
        Set<String> groups = new TreeSet<>();
        groups.addAll(queues.keySet());
        groups.addAll(concurrency.keySet());
        groups.addAll(prefetchMultiplier.keySet());
        groups.addAll(acksLate.keySet());
        Map<String, WorkerInfo> out = new HashMap<>();
        for (String group : groups) {
            Integer slots = concurrency.get(group);
            Integer multiplier = prefetchMultiplier.get(group);
            if (slots != null && slots < 1 || multiplier != null && multiplier < 0) {
                throw new IllegalArgumentException("--worker.concurrency must be at least 1 and"
                        + " --worker.prefetch-multiplier at least 0, for group '" + group + "'");
            }
            String names = queues.get(group);
            Set<String> consumed = names == null ? null : new LinkedHashSet<>(Arrays.stream(names.split(","))
                    .map(String::strip).filter(q -> !q.isEmpty()).toList());
            out.put(group, new WorkerInfo(consumed, slots, multiplier, acksLate.get(group)));
        }
        return out;
    }
}
