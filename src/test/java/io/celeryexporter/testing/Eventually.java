package io.celeryexporter.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that a background thread makes true; fails with a description when it does not. */
public final class Eventually {

    private Eventually() {}

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }
}
