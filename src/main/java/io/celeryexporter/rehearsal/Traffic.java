package io.celeryexporter.rehearsal;

import io.celeryexporter.load.RateProfile;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Arrivals over time: a Poisson process whose rate follows a {@code load} profile, the guide's load test (50 tasks/s
 * for 300 s from an idle queue), or arrivals recorded by Prometheus ({@link RecordedArrivals}). Repeatable: the
 * first two are seeded, the last is spread evenly within each recorded step.
 */
public abstract class Traffic {

    public static final String GUIDE = "guide";

    /** When the traffic stops. */
    public abstract double duration();

    /** The time of the next arrival; +infinity once the traffic has stopped. */
    abstract double nextArrival();

    /** Takes the next arrival: returns its time and moves to the one after. */
    abstract double take();

    /** The arrivals Prometheus recorded, each step's spread evenly across it, from the start of the range. */
    public static Traffic recorded(RecordedArrivals arrivals) {
        return new Recorded(arrivals);
    }

    /**
     * @param name constant, burst, ramp or guide (which fixes rate and duration)
     * @throws IllegalArgumentException for an unknown profile
     */
    public static Traffic of(String name, double rate, Duration duration, long seed) {
        if (name.equals(GUIDE)) {
            return new Poisson(t -> 50, 50, 300, seed);
        }
        if (name.equals(SINE) || name.equals(BATCHES)) {
            throw new IllegalArgumentException(name + " traffic needs its period: Traffic." + name);
        }
        try {
            RateProfile profile = RateProfile.valueOf(name.toUpperCase(Locale.ROOT));
            double seconds = duration.toMillis() / 1000.0;
            return new Poisson(t -> profile.rateAt(rate, Duration.ofMillis((long) (t * 1000)), duration),
                    profile == RateProfile.BURST ? rate * 4 : rate, seconds, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown traffic profile '" + name
                    + "': constant, burst, ramp, sine, batches or guide");
        }
    }

    public static final String SINE = "sine";

    /**
     * A daily-like swing: from {@code low} up to {@code high} tasks/s and back, once per {@code period}, starting at
     * the low.
     */
    public static Traffic sine(double low, double high, Duration period, Duration duration, long seed) {
        double p = period.toMillis() / 1000.0;
        if (!(low >= 0 && high >= low && p > 0)) {
            throw new IllegalArgumentException("sine traffic needs 0 <= low <= high and a positive period");
        }
        return new Poisson(t -> low + (high - low) * (1 - Math.cos(2 * Math.PI * t / p)) / 2, high,
                duration.toMillis() / 1000.0, seed);
    }

    public static final String BATCHES = "batches";

    /**
     * Sparse traffic: {@code size} tasks at once, about every {@code period} (a cron's fan-out, a nightly export):
     * what scale-from-zero is for. Batch k lands at k periods plus half a period plus a seeded jitter of up to a
     * minute, so that arrivals fall anywhere between the exporter's polls, the scrapes and KEDA's polls, as they do.
     */
    public static Traffic batches(int size, Duration period, Duration duration, long seed) {
        double p = period.toMillis() / 1000.0;
        if (size < 1 || p <= 0) {
            throw new IllegalArgumentException("batch traffic needs a size of at least 1 and a positive period");
        }
        return new Batches(size, p, duration.toMillis() / 1000.0, new Random(seed));
    }

    /** Any shape: the rate of each row of a {@link RateCurve} holds until the next row's time. */
    public static Traffic curve(RateCurve curve, long seed) {
        return new Poisson(curve::rateAt, curve.peak(), curve.duration(), seed);
    }

    /** A Poisson process whose rate varies over time, at most {@code peak}. */
    private static final class Poisson extends Traffic {
        private final DoubleUnaryOperator rateAt;
        private final double peak;
        private final double duration;
        private final Random random;
        private double next;

        Poisson(DoubleUnaryOperator rateAt, double peak, double duration, long seed) {
            this.rateAt = rateAt;
            this.peak = peak;
            this.duration = duration;
            this.random = new Random(seed);
            advance();
        }

        @Override
        public double duration() {
            return duration;
        }

        @Override
        double nextArrival() {
            return next < duration ? next : Double.POSITIVE_INFINITY;
        }

        @Override
        double take() {
            double t = next;
            advance();
            return t;
        }

        /** Thinning: candidates at the peak rate, each kept with probability rate(t) / peak. */
        private void advance() {
            if (peak <= 0) {
                next = Double.POSITIVE_INFINITY;
                return;
            }
            do {
                next += -Math.log(1 - random.nextDouble()) / peak;
            } while (next < duration && random.nextDouble() * peak > rateAt.applyAsDouble(next));
        }
    }

    /** {@code size} arrivals at the same instant, every period. */
    private static final class Batches extends Traffic {
        private final int size;
        private final double period;
        private final double duration;
        private final Random random;
        private long taken;
        private double jitter;

        Batches(int size, double period, double duration, Random random) {
            this.size = size;
            this.period = period;
            this.duration = duration;
            this.random = random;
            this.jitter = nextJitter();
        }

        private double nextJitter() {
            return random.nextDouble() * Math.min(60, period / 2);
        }

        @Override
        public double duration() {
            return duration;
        }

        @Override
        double nextArrival() {
            double t = period / 2 + (taken / size) * period + jitter;
            return t < duration ? t : Double.POSITIVE_INFINITY;
        }

        @Override
        double take() {
            double t = nextArrival();
            taken++;
            if (taken % size == 0) {
                jitter = nextJitter();
            }
            return t;
        }
    }

    /** Recorded arrivals: step by step, the step's count spread evenly across it; generated as they are taken. */
    private static final class Recorded extends Traffic {
        private final RecordedArrivals arrivals;
        private int step;
        private long taken;

        Recorded(RecordedArrivals arrivals) {
            this.arrivals = arrivals;
            skipEmptySteps();
        }

        @Override
        public double duration() {
            return arrivals.duration();
        }

        @Override
        double nextArrival() {
            if (step >= arrivals.steps()) {
                return Double.POSITIVE_INFINITY;
            }
            long n = arrivals.count(step);
            return (step + (taken + 0.5) / n) * arrivals.step();
        }

        @Override
        double take() {
            double t = nextArrival();
            taken++;
            if (taken == arrivals.count(step)) {
                step++;
                taken = 0;
                skipEmptySteps();
            }
            return t;
        }

        private void skipEmptySteps() {
            while (step < arrivals.steps() && arrivals.count(step) == 0) {
                step++;
            }
        }
    }
}
