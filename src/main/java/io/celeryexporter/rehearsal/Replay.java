package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.MetricReading;
import io.celeryexporter.autoscaling.MetricSource;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The controller alone, fed recorded metric values ({@code time_s,metric,value}; a row holds until the next row for the
 * same metric). Pods are ready as soon as they are desired.
 */
public final class Replay {

    /** One sync: the replicas before it decided, and after. */
    public record Row(int time, int current, int desired) {}

    private final Map<String, TreeMap<Double, Double>> values;

    private Replay(Map<String, TreeMap<Double, Double>> values) {
        this.values = values;
    }

    /** @throws IllegalArgumentException naming the file and line of a malformed row */
    public static Replay read(Path csv) throws IOException {
        Map<String, TreeMap<Double, Double>> values = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            String header = in.readLine();
            if (header == null || !header.trim().equals("time_s,metric,value")) {
                throw new IllegalArgumentException(csv + ": the header must be time_s,metric,value");
            }
            String line;
            int number = 1;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(",", -1);
                try {
                    if (parts.length != 3) {
                        throw new NumberFormatException();
                    }
                    values.computeIfAbsent(parts[1].trim(), k -> new TreeMap<>())
                            .put(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[2].trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(csv + ": line " + number + ": expected time_s,metric,value,"
                            + " got '" + line + "'");
                }
            }
        }
        return new Replay(values);
    }

    /** @throws IllegalArgumentException when an input of the autoscaler has no value in the file */
    public List<Row> run(Autoscaler autoscaler, int initialReplicas, int durationSeconds) {
        for (MetricSpec input : autoscaler.inputs()) {
            if (!values.containsKey(input.name())) {
                throw new IllegalArgumentException("the replay has no value for metric '" + input.name() + "'");
            }
        }
        List<Row> rows = new ArrayList<>();
        int replicas = initialReplicas;
        for (int t = 0; t <= durationSeconds; t++) {
            List<Pod> pods = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                pods.add(Pod.running("pod-" + i));
            }
            int desired = autoscaler.tick(t, replicas, replicas, pods, source(t, pods));
            if (autoscaler.syncedLastTick()) {
                rows.add(new Row(t, replicas, desired));
            }
            replicas = desired;
        }
        return rows;
    }

    /** External and Object values are the API's total; Pods and Resource values are the per-pod average. */
    private MetricSource source(double t, List<Pod> pods) {
        return metric -> {
            var at = values.get(metric.name()).floorEntry(t);
            if (at == null) {
                return Optional.empty();
            }
            double value = at.getValue();
            if (metric.source() == MetricSpec.Source.EXTERNAL || metric.source() == MetricSpec.Source.OBJECT) {
                return Optional.of(new MetricReading.Total(value));
            }
            Map<String, MetricReading.PodValue> perPod = new HashMap<>();
            boolean utilization = metric.target().type() == MetricSpec.TargetType.UTILIZATION;
            pods.forEach(p -> perPod.put(p.name(), new MetricReading.PodValue(value, utilization ? 100 : 0)));
            return Optional.of(new MetricReading.PerPod(perPod));
        };
    }
}
