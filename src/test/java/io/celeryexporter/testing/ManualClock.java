package io.celeryexporter.testing;

import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.PollTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand, so wait figures can be compared with exact expectations. {@link #set} moves the
 * wall and the monotonic clock together, as time passing does; {@link #stepWall} moves the wall clock alone, as an
 * NTP correction or a VM resume does.
 */
public final class ManualClock extends Clock implements PollClock {

    private volatile long millis;
    /** Monotonic minus wall, in millis: changes only when the wall clock steps. */
    private volatile long monotonicOffset;

    public ManualClock(long startMillis) {
        this.millis = startMillis;
    }

    /** Lets time pass up to this wall-clock time. */
    public void set(double epochSeconds) {
        millis = Math.round(epochSeconds * 1000);
    }

    public void stepWall(double seconds) {
        long step = Math.round(seconds * 1000);
        millis += step;
        monotonicOffset -= step;
    }

    public double seconds() {
        return millis / 1000.0;
    }

    @Override
    public PollTime now() {
        long wall = millis;
        return new PollTime(wall / 1000.0, (wall + monotonicOffset) / 1000.0);
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
