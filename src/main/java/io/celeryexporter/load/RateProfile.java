package io.celeryexporter.load;

import java.time.Duration;

/** How fast to publish over time. {@link #rateAt} is tasks per second at a moment of the run. */
public enum RateProfile {
    /** The same rate all along. */
    CONSTANT,
    /** 10 s at four times the rate, then 30 s idle, repeating: the same average rate, in bursts. */
    BURST,
    /** From 0 up to the rate at half time, then back down to 0. */
    RAMP;

    public double rateAt(double rate, Duration elapsed, Duration total) {
        double t = elapsed.toMillis() / 1000.0;
        return switch (this) {
            case CONSTANT -> rate;
            case BURST -> (t % 40) < 10 ? rate * 4 : 0;
            case RAMP -> {
                double half = Math.max(total.toMillis() / 2000.0, 1e-3);
                yield rate * Math.max(0, 1 - Math.abs(t - half) / half);
            }
        };
    }
}
