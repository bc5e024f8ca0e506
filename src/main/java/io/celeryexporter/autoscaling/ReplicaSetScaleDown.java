package io.celeryexporter.autoscaling;

import java.util.List;
import java.util.Optional;

/**
 * Which pod a ReplicaSet deletes when it scales down, as {@code pkg/controller/replicaset} ranks them
 * ({@code ActivePodsWithRanks}) for pods on one node and without restarts: a pod that is not ready before a ready
 * one, then the one ready for the shortest time, then the one created last.
 */
public final class ReplicaSetScaleDown {

    private ReplicaSetScaleDown() {}

    /** The pod to delete next among those not being deleted already; empty when there is none. */
    public static Optional<Pod> next(List<Pod> pods) {
        Pod victim = null;
        for (Pod p : pods) {
            if (!p.deleting() && (victim == null || deletedBefore(p, victim))) {
                victim = p;
            }
        }
        return Optional.ofNullable(victim);
    }

    private static boolean deletedBefore(Pod a, Pod b) {
        if (a.ready() != b.ready()) {
            return !a.ready();
        }
        if (a.readySince() != b.readySince()) {
            return a.readySince() > b.readySince();
        }
        return a.startedAt() >= b.startedAt();
    }
}
