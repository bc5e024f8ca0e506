package io.celeryexporter.rehearsal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arrivals per step over a time range, recovered from the raw samples of an arrival counter
 * ({@code celery_queue_enqueued_total}) as Prometheus stored them.
 *
 * <ul>
 *   <li><b>Counter resets</b> (an exporter restart starts counting from 0): the value after the reset is what
 *       arrived since; what arrived between the last sample before it and the restart is unknowable, and lost.</li>
 *   <li><b>Gaps</b> (scrapes missed, longer than 2.5 steps): the counter kept counting, so the increase across the
 *       gap is spread evenly over it.</li>
 *   <li><b>Several series</b> (exporter replicas counting the same queue, or an exporter that moved between
 *       instances): per step, the largest count.</li>
 * </ul>
 *
 * @param step   seconds per step: the scrape interval (the median spacing of the samples)
 * @param counts arrivals in each step, from the start of the range
 * @param resets counter resets seen
 * @param gaps   gaps seen
 */
public record RecordedArrivals(double step, long[] counts, int resets, int gaps) {

    /** One raw sample: Unix seconds and the counter's value. */
    public record Sample(double time, double value) {}

    public RecordedArrivals {
        counts = counts.clone();
    }

    /**
     * @param series each series' samples, in time order
     * @throws IllegalArgumentException when no series has two samples in the range: nothing to recover
     */
    public static RecordedArrivals fromCounters(List<List<Sample>> series, double start, double end) {
        List<Double> spacings = new ArrayList<>();
        for (List<Sample> s : series) {
            for (int i = 1; i < s.size(); i++) {
                spacings.add(s.get(i).time() - s.get(i - 1).time());
            }
        }
        if (spacings.isEmpty() || end <= start) {
            throw new IllegalArgumentException("no arrivals recorded in that range: fewer than two samples of the"
                    + " counter");
        }
        spacings.sort(null);
        return fromCounters(series, start, end, Math.max(1, spacings.get(spacings.size() / 2)));
    }

    /** The same on a given step, to line up with another counter's. */
    public static RecordedArrivals fromCounters(List<List<Sample>> series, double start, double end, double step) {
        int steps = (int) Math.ceil((end - start) / step);
        double[] combined = new double[steps];
        int resets = 0;
        int gaps = 0;
        for (List<Sample> s : series) {
            double[] perStep = new double[steps];
            for (int i = 1; i < s.size(); i++) {
                Sample a = s.get(i - 1);
                Sample b = s.get(i);
                boolean reset = b.value() < a.value();
                resets += reset ? 1 : 0;
                gaps += b.time() - a.time() > 2.5 * step ? 1 : 0;
                spread(perStep, reset ? b.value() : b.value() - a.value(), a.time() - start, b.time() - start, step);
            }
            for (int i = 0; i < steps; i++) {
                combined[i] = Math.max(combined[i], perStep[i]);
            }
        }
        return new RecordedArrivals(step, rounded(combined), resets, gaps);
    }

    /** Adds {@code amount} evenly over (from, to], seconds from the start, into the steps it overlaps. */
    private static void spread(double[] perStep, double amount, double from, double to, double step) {
        if (amount <= 0 || to <= from) {
            return;
        }
        double rate = amount / (to - from);
        for (int i = Math.max(0, (int) (from / step)); i < perStep.length && i * step < to; i++) {
            double overlap = Math.min(to, (i + 1) * step) - Math.max(from, i * step);
            if (overlap > 0) {
                perStep[i] += rate * overlap;
            }
        }
    }

    /** Whole arrivals per step, keeping the running total: no step loses its fraction for good. */
    private static long[] rounded(double[] perStep) {
        long[] out = new long[perStep.length];
        double exact = 0;
        long given = 0;
        for (int i = 0; i < perStep.length; i++) {
            exact += perStep[i];
            out[i] = Math.round(exact) - given;
            given += out[i];
        }
        return out;
    }

    /**
     * A gauge's value at the start of each step: the last sample at or before it, no older than two steps (the
     * largest over the series); NaN where there is none.
     */
    public static double[] gaugeAtSteps(List<List<Sample>> series, double start, double step, int steps) {
        double[] out = new double[steps];
        Arrays.fill(out, Double.NaN);
        for (List<Sample> s : series) {
            int j = 0;
            for (int i = 0; i < steps; i++) {
                double at = start + i * step;
                while (j + 1 < s.size() && s.get(j + 1).time() <= at) {
                    j++;
                }
                if (!s.isEmpty() && s.get(j).time() <= at && at - s.get(j).time() <= 2 * step) {
                    out[i] = Double.isNaN(out[i]) ? s.get(j).value() : Math.max(out[i], s.get(j).value());
                }
            }
        }
        return out;
    }

    public int steps() {
        return counts.length;
    }

    public long count(int step) {
        return counts[step];
    }

    public double duration() {
        return counts.length * step;
    }

    public long total() {
        return Arrays.stream(counts).sum();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedArrivals r && r.step == step && Arrays.equals(r.counts, counts)
                && r.resets == resets && r.gaps == gaps;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(step) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "RecordedArrivals[step=" + step + ", total=" + total() + ", resets=" + resets + ", gaps=" + gaps + "]";
    }
}
