package io.celeryexporter.autoscaling;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which pod a ReplicaSet deletes when it scales down: the first in {@code ActivePodsWithRanks} order
 * ({@code pkg/controller/controller_utils.go}), as Kubernetes 1.22 and later sort with {@code LogarithmicScaleDown}
 * (on by default from 1.22, always from 1.31), for pods on one node, without restarts and without a deletion-cost
 * annotation:
 * <ol>
 *   <li>a pending pod before a running one;</li>
 *   <li>a pod that is not ready before a ready one;</li>
 *   <li>of two ready pods, the one ready for less time, on a logarithmic scale: ready times whose ages (in
 *       nanoseconds) have the same whole log2 are equally old, and the lower UID goes first;</li>
 *   <li>then the one created later, on the same scale, ties again by UID.</li>
 * </ol>
 * So "newest first" holds only between pods whose ages differ by about a factor of two: of pods that became ready
 * within the same doubling of age (35 to 69 s ago, 69 to 137 s ago, ...), a random one goes. Times are whole
 * seconds, as the API serves them ({@code metav1.Time}).
 */
public final class ReplicaSetScaleDown {

    private ReplicaSetScaleDown() {}

    /** The pod to delete next, at {@code now}, among the active ones (not failed, not being deleted already). */
    public static Optional<Pod> next(List<Pod> pods, double now) {
        return pods.stream()
                .filter(p -> !p.deleting() && p.phase() != Pod.Phase.FAILED)
                .min(deletionOrder(now));
    }

    /** Pods in the order a ReplicaSet prefers to delete them: the first is deleted first. */
    static Comparator<Pod> deletionOrder(double now) {
        return (a, b) -> {
            if (a.phase() != b.phase()) {
                return a.phase() == Pod.Phase.PENDING ? -1 : 1;
            }
            if (a.ready() != b.ready()) {
                return a.ready() ? 1 : -1;
            }
            if (a.ready()) {
                int byReady = newerFirst(a.readySince(), b.readySince(), a, b, now);
                if (byReady != 0) {
                    return byReady;
                }
            }
            return newerFirst(a.createdAt(), b.createdAt(), a, b, now);
        };
    }

    /** 0 where both times are the same second; else by logarithmic age, ties by UID. */
    private static int newerFirst(double timeA, double timeB, Pod a, Pod b, double now) {
        double secondA = Math.floor(timeA);
        double secondB = Math.floor(timeB);
        if (secondA == secondB) {
            return 0;
        }
        long byAge = Long.compare(ageRank(secondA, now), ageRank(secondB, now));
        return byAge != 0 ? (int) byAge : a.uid().compareTo(b.uid());
    }

    /** The whole log2 of the age in whole nanoseconds (a Go {@code time.Duration}); -1 for a time not in the past. */
    private static long ageRank(double time, double now) {
        double nanos = Math.floor((now - time) * 1e9);
        return nanos >= 1 ? Math.getExponent(nanos) : -1;
    }
}
