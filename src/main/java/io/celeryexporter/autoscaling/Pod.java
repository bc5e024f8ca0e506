package io.celeryexporter.autoscaling;

/**
 * A pod of the scale target as the controllers' pod listers see it.
 *
 * @param uid        metadata.uid: a ReplicaSet breaks ties between equally old pods with it
 * @param phase      Pending until its containers run
 * @param ready      its Ready condition
 * @param createdAt  seconds, metadata.creationTimestamp: when its ReplicaSet created it
 * @param startedAt  seconds, when it started (status.startTime)
 * @param readySince seconds, when Ready last changed
 * @param deleting   it has a deletion timestamp
 */
public record Pod(String name, String uid, Phase phase, boolean ready, double createdAt, double startedAt,
                  double readySince, boolean deleting) {

    public enum Phase { PENDING, RUNNING, FAILED }

    /** A pod as the HPA reads it, which needs neither its UID nor its creation: they default to its name and start. */
    public Pod(String name, Phase phase, boolean ready, double startedAt, double readySince, boolean deleting) {
        this(name, name, phase, ready, startedAt, startedAt, readySince, deleting);
    }

    /** A pod that has run and been ready long enough to count everywhere. */
    public static Pod running(String name) {
        return new Pod(name, Phase.RUNNING, true, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, false);
    }
}
