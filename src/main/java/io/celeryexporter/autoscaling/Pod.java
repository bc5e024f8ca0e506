package io.celeryexporter.autoscaling;

/**
 * A pod of the scale target as the controller's pod lister sees it.
 *
 * @param phase      Pending until its containers run
 * @param ready      its Ready condition
 * @param startedAt  seconds, when it started (status.startTime)
 * @param readySince seconds, when Ready last changed
 * @param deleting   it has a deletion timestamp
 */
public record Pod(String name, Phase phase, boolean ready, double startedAt, double readySince, boolean deleting) {

    public enum Phase { PENDING, RUNNING, FAILED }

    /** A pod that has run and been ready long enough to count everywhere. */
    public static Pod running(String name) {
        return new Pod(name, Phase.RUNNING, true, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, false);
    }
}
