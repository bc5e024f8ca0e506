package io.celeryexporter.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Parses Prometheus text exposition into {@code series -> value}, for assertions on what /metrics serves. */
public final class Metrics {

    private final Map<String, Double> samples = new LinkedHashMap<>();

    private Metrics(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    public static Metrics parse(String text) {
        return new Metrics(text);
    }

    /** The value of an exact series, e.g. {@code celery_queue_length{queue_name="a"}}. */
    public OptionalDouble value(String series) {
        Double v = samples.get(series);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** Every series of one family (its samples, not its _bucket, _sum or _count children), sorted. */
    public List<String> series(String family) {
        return samples.keySet().stream().filter(s -> s.equals(family) || s.startsWith(family + "{")).sorted()
                .toList();
    }

    public boolean hasFamily(String name) {
        return samples.keySet().stream().anyMatch(s -> s.equals(name) || s.startsWith(name + "{"));
    }
}
