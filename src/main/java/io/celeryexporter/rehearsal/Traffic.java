package io.celeryexporter.rehearsal;

import io.celeryexporter.load.RateProfile;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;

/**
 * Arrivals over time: a Poisson process whose rate follows a {@code load} profile, or the guide's load test (50 tasks/s
 * for 300 s from an idle queue). Seeded, so a rehearsal is repeatable.
 */
public final class Traffic {

    public static final String GUIDE = "guide";

    private final RateProfile profile;
    private final double rate;
    private final double duration;
    private final Random random;
    private double next;

    private Traffic(RateProfile profile, double rate, double duration, long seed) {
        this.profile = profile;
        this.rate = rate;
        this.duration = duration;
        this.random = new Random(seed);
        this.next = 0;
        advance();
    }

    /**
     * @param name constant, burst, ramp or guide (which fixes rate and duration)
     * @throws IllegalArgumentException for an unknown profile
     */
    public static Traffic of(String name, double rate, Duration duration, long seed) {
        if (name.equals(GUIDE)) {
            return new Traffic(RateProfile.CONSTANT, 50, 300, seed);
        }
        try {
            RateProfile profile = RateProfile.valueOf(name.toUpperCase(Locale.ROOT));
            return new Traffic(profile, rate, duration.toMillis() / 1000.0, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown traffic profile '" + name
                    + "': constant, burst, ramp or guide");
        }
    }

    /** When the traffic stops. */
    public double duration() {
        return duration;
    }

    /** The time of the next arrival; +infinity once the traffic has stopped. */
    double nextArrival() {
        return next < duration ? next : Double.POSITIVE_INFINITY;
    }

    /** Takes the next arrival: returns its time and draws the one after. */
    double take() {
        double t = next;
        advance();
        return t;
    }

    /** Thinning: candidates at the profile's peak rate, each kept with probability rate(t) / peak. */
    private void advance() {
        double peak = profile == RateProfile.BURST ? rate * 4 : rate;
        if (peak <= 0) {
            next = Double.POSITIVE_INFINITY;
            return;
        }
        do {
            next += -Math.log(1 - random.nextDouble()) / peak;
        } while (next < duration
                && random.nextDouble() * peak > profile.rateAt(rate, Duration.ofMillis((long) (next * 1000)),
                Duration.ofMillis((long) (duration * 1000))));
    }
}
