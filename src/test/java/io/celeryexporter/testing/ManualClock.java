package io.celeryexporter.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand, so wait figures can be compared with exact expectations. */
public final class ManualClock extends Clock {

    private volatile long millis;

    public ManualClock(long startMillis) {
        this.millis = startMillis;
    }

    public void set(double epochSeconds) {
        millis = Math.round(epochSeconds * 1000);
    }

    public double seconds() {
        return millis / 1000.0;
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
