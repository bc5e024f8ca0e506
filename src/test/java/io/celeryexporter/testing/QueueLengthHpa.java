package io.celeryexporter.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An autoscaling/v2 HPA on {@code celery_queue_length} (External, AverageValue) for rehearsal tests. */
public final class QueueLengthHpa {

    private QueueLengthHpa() {}

    /** With the controller's default behavior. */
    public static Path write(Path file, int minReplicas, int maxReplicas, int tasksPerReplica) throws IOException {
        return write(file, minReplicas, maxReplicas, tasksPerReplica, false);
    }

    /**
     * @param quick up at once by 4 pods each 5 s, down after 10 s by 2 pods each 5 s: scale-downs come while the
     *              workers still hold tasks
     */
    public static Path write(Path file, int minReplicas, int maxReplicas, int tasksPerReplica, boolean quick)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of("apiVersion: autoscaling/v2", "kind: HorizontalPodAutoscaler",
                "metadata: {name: rehearsal}", "spec:", "  minReplicas: " + minReplicas,
                "  maxReplicas: " + maxReplicas, "  metrics:", "  - type: External", "    external:",
                "      metric: {name: celery_queue_length}",
                "      target: {type: AverageValue, averageValue: \"" + tasksPerReplica + "\"}"));
        if (quick) {
            lines.addAll(List.of("  behavior:", "    scaleUp:", "      stabilizationWindowSeconds: 0",
                    "      policies: [{type: Pods, value: 4, periodSeconds: 5}]", "    scaleDown:",
                    "      stabilizationWindowSeconds: 10", "      policies: [{type: Pods, value: 2, periodSeconds: 5}]"));
        }
        lines.add("");
        Files.writeString(file, String.join("\n", lines));
        return file;
    }
}
