package io.celeryexporter.workers;

import io.celeryexporter.celery.WorkerInfo;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Workers are counted by group, never by pod: pods churn, and their names would make series without bound. A
 * worker's group is taken from its node name by a pattern, and an operator may say what a group consumes.
 *
 * @param pattern    matched against the whole node name; its first capturing group names the group (the whole
 *                   name where it has none). A name that does not match falls into {@link #OTHER}
 * @param configured what the operator says of each group's queues, slots and acks, by group
 *                   ({@code --worker.queues}, {@code --worker.concurrency}, …); what a worker advertises wins
 */
public record WorkerGrouping(Pattern pattern, Map<String, WorkerInfo> configured) {

    /** Kubernetes' pod names from a ReplicaSet's pod-template-hash and generateName: no vowels, no 0, 1 or 3. */
    private static final String K8S_SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]";

    /**
     * {@code celery@dispatcher-7d9f8c6b5-x2x9q} → {@code dispatcher} (a Deployment's pod),
     * {@code celery@reports-x2x9q} → {@code reports}, {@code celery@ingest-2} → {@code ingest} (a StatefulSet's),
     * {@code worker1@vm} → {@code vm}.
     */
    public static final Pattern DEFAULT_PATTERN = Pattern.compile("(?:[^@]*@)?(.+?)(?:(?:-" + K8S_SUFFIX
            + "{6,10})?-" + K8S_SUFFIX + "{5}|-\\d+)?");
    public static final String OTHER = "other";
    public static final WorkerGrouping DEFAULT = new WorkerGrouping(DEFAULT_PATTERN, Map.of());

    public WorkerGrouping {
        configured = Map.copyOf(configured);
    }

    public String groupOf(String hostname) {
        Matcher m = pattern.matcher(hostname);
        if (!m.matches()) {
            return OTHER;
        }
        String group = m.groupCount() >= 1 ? m.group(1) : m.group();
        return group == null || group.isEmpty() ? OTHER : group;
    }

    /** What the operator configured for a group; {@link WorkerInfo#UNKNOWN} where nothing. */
    public WorkerInfo configuredFor(String group) {
        return configured.getOrDefault(group, WorkerInfo.UNKNOWN);
    }
}
