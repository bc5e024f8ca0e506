package io.celeryexporter.rehearsal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How long a task holds a worker slot. Real task times are not a constant: a long tail is what makes a grace period
 * too short, and what a mean alone hides.
 */
public sealed interface TaskTimes {

    /** One task's time, drawn with {@code random}. */
    double next(Random random);

    /** The mean: what the ideal replica-hours are computed with. */
    double mean();

    /** The same shape, scaled to this mean (a service time derived from a recording fixes the mean). */
    TaskTimes withMean(double mean);

    /** Every task exactly this long. */
    record Fixed(double seconds) implements TaskTimes {
        public Fixed {
            positive(seconds, "the task time");
        }

        @Override
        public double next(Random random) {
            return seconds;
        }

        @Override
        public double mean() {
            return seconds;
        }

        @Override
        public TaskTimes withMean(double mean) {
            return new Fixed(mean);
        }
    }

    /** Memoryless, with this mean: the queueing textbook's service time. */
    record Exponential(double mean) implements TaskTimes {
        public Exponential {
            positive(mean, "the mean task time");
        }

        @Override
        public double next(Random random) {
            return -Math.log(1 - random.nextDouble()) * mean;
        }

        @Override
        public TaskTimes withMean(double newMean) {
            return new Exponential(newMean);
        }
    }

    /**
     * Log-normal, given its median and its 99th percentile, as task times are usually described: most tasks near
     * the median, a few far beyond.
     */
    record LogNormal(double median, double p99) implements TaskTimes {
        /** The standard normal's 99th percentile. */
        private static final double Z99 = 2.3263478740;

        public LogNormal {
            positive(median, "the median task time");
            if (!(p99 >= median)) {
                throw new IllegalArgumentException("the task time's p99 (" + p99 + " s) must be at least its median ("
                        + median + " s)");
            }
        }

        private double sigma() {
            return Math.log(p99 / median) / Z99;
        }

        @Override
        public double next(Random random) {
            return median * Math.exp(sigma() * random.nextGaussian());
        }

        @Override
        public double mean() {
            return median * Math.exp(sigma() * sigma() / 2);
        }

        @Override
        public TaskTimes withMean(double newMean) {
            double scale = newMean / mean();
            return new LogNormal(median * scale, p99 * scale);
        }
    }

    /** Drawn from recorded durations, each as likely as it was frequent. */
    record Recorded(double[] seconds) implements TaskTimes {
        public Recorded {
            if (seconds.length == 0) {
                throw new IllegalArgumentException("no task times recorded");
            }
            seconds = seconds.clone();
            for (double s : seconds) {
                positive(s, "a recorded task time");
            }
        }

        /**
         * Reads one duration in seconds per line (a header line and blank lines are skipped), or the bucket rows
         * {@code le,count} of a cumulative histogram, such as Prometheus' {@code _bucket} series as CSV: each
         * bucket's tasks then spread evenly between its bounds, and {@code +Inf} is read as its lower bound.
         */
        public static Recorded parse(List<String> lines) {
            List<double[]> rows = new ArrayList<>();
            for (String raw : lines) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split("\\s*,\\s*");
                try {
                    rows.add(Arrays.stream(cells).mapToDouble(c -> c.equalsIgnoreCase("+Inf")
                            ? Double.POSITIVE_INFINITY : Double.parseDouble(c)).toArray());
                } catch (NumberFormatException header) {
                    if (!rows.isEmpty()) {
                        throw new IllegalArgumentException("'" + line + "' is not a number, nor le,count");
                    }
                }
            }
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("no task times: expect one duration in seconds per line, or"
                        + " le,count rows of a cumulative histogram");
            }
            return rows.get(0).length == 1 ? new Recorded(rows.stream().mapToDouble(r -> r[0]).toArray())
                    : fromHistogram(rows);
        }

        private static Recorded fromHistogram(List<double[]> rows) {
            List<Double> out = new ArrayList<>();
            double lower = 0;
            double below = 0;
            for (double[] row : rows) {
                if (row.length != 2) {
                    throw new IllegalArgumentException("a histogram row is le,count, not " + Arrays.toString(row));
                }
                double upper = Double.isInfinite(row[0]) ? lower : row[0];
                long inBucket = Math.round(row[1] - below);
                if (inBucket < 0) {
                    throw new IllegalArgumentException("the histogram's counts must be cumulative: " + row[1]
                            + " after " + below);
                }
                for (long i = 0; i < inBucket; i++) {
                    out.add(lower + (upper - lower) * (i + 0.5) / inBucket);
                }
                lower = upper;
                below = row[1];
            }
            return new Recorded(out.stream().mapToDouble(Double::doubleValue).filter(s -> s > 0).toArray());
        }

        @Override
        public double next(Random random) {
            return seconds[random.nextInt(seconds.length)];
        }

        @Override
        public double mean() {
            return Arrays.stream(seconds).average().orElseThrow();
        }

        @Override
        public TaskTimes withMean(double newMean) {
            double scale = newMean / mean();
            return new Recorded(Arrays.stream(seconds).map(s -> s * scale).toArray());
        }
    }

    private static void positive(double v, String what) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be above 0, not " + v);
        }
    }
}
