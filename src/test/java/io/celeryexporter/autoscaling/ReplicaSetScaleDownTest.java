package io.celeryexporter.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.autoscaling.Pod.Phase;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ReplicaSet's choice of the pod to delete. The first two tests are the cases of Kubernetes'
 * {@code TestSortingActivePodsWithRanks} ({@code pkg/controller/controller_utils_test.go}) that apply to pods on
 * one node, without restarts or deletion costs, with {@code LogarithmicScaleDown} on; their pods keep the test's
 * names and its empty UIDs.
 */
class ReplicaSetScaleDownTest {

    private static final double NOW = 1_000_000_000.4;
    private static final double MONTH = 30 * 86_400;
    private static final double HOUR = 3600;

    private static Pod pod(String name, Phase phase, boolean ready, double readySince, double created) {
        return pod(name, "", phase, ready, readySince, created);
    }

    private static Pod pod(String name, String uid, Phase phase, boolean ready, double readySince, double created) {
        return new Pod(name, uid, phase, ready, created, created, readySince, false);
    }

    private static final Pod PENDING = pod("pending", Phase.PENDING, false, 0, NOW);
    private static final Pod NOT_READY = pod("not-ready", Phase.RUNNING, false, 0, NOW);
    private static final Pod READY_NOW = pod("ready-now", Phase.RUNNING, true, NOW, NOW);
    private static final Pod READY_THEN = pod("ready-then", Phase.RUNNING, true, NOW - MONTH, NOW - MONTH);
    private static final Pod READY_NOW_CREATED_THEN = pod("ready-now-created-then", Phase.RUNNING, true, NOW,
            NOW - MONTH);
    private static final Pod PENDING_5_HOURS = pod("unscheduled-5-hours", Phase.PENDING, false, 0, NOW - 5 * HOUR);
    private static final Pod PENDING_8_HOURS = pod("unscheduled-10-hours", Phase.PENDING, false, 0, NOW - 8 * HOUR);
    private static final Pod READY_2_HOURS = pod("ready-2-hours", Phase.RUNNING, true, NOW - 2 * HOUR, NOW - MONTH);
    private static final Pod READY_5_HOURS = pod("ready-5-hours", Phase.RUNNING, true, NOW - 5 * HOUR, NOW - MONTH);
    private static final Pod READY_8_HOURS = pod("ready-10-hours", Phase.RUNNING, true, NOW - 8 * HOUR, NOW - MONTH);

    private static int order(Pod a, Pod b, double now) {
        return ReplicaSetScaleDown.deletionOrder(now).compare(a, b);
    }

    @Test
    void kubernetesEqualityCases() {
        List<List<Pod>> equal = List.of(List.of(PENDING, PENDING), List.of(NOT_READY, NOT_READY),
                List.of(READY_NOW_CREATED_THEN, READY_NOW_CREATED_THEN), List.of(READY_NOW, READY_NOW),
                List.of(READY_THEN, READY_THEN),
                // 5 and 8 hours are the same power of two in nanoseconds (2^44), and their UIDs are equal
                List.of(PENDING_5_HOURS, PENDING_8_HOURS), List.of(READY_5_HOURS, READY_8_HOURS));
        for (List<Pod> pair : equal) {
            assertEquals(0, order(pair.get(0), pair.get(1), NOW), pair.get(0).name() + " and " + pair.get(1).name());
            assertEquals(0, order(pair.get(1), pair.get(0), NOW), pair.get(1).name() + " and " + pair.get(0).name());
        }
    }

    @Test
    void kubernetesInequalityCases() {
        List<List<Pod>> lesserFirst = List.of(List.of(PENDING, NOT_READY), List.of(NOT_READY, READY_NOW),
                List.of(READY_NOW, READY_THEN), List.of(READY_NOW, READY_NOW_CREATED_THEN),
                List.of(READY_2_HOURS, READY_5_HOURS));
        for (List<Pod> pair : lesserFirst) {
            String what = pair.get(0).name() + " before " + pair.get(1).name();
            assertTrue(order(pair.get(0), pair.get(1), NOW) < 0, what);
            assertTrue(order(pair.get(1), pair.get(0), NOW) > 0, what);
        }
    }

    @Test
    void ofPodsReadyWithinOneDoublingOfAgeTheLowerUidGoesNotTheNewest() {
        // ready 60 and 40 s ago: 6e10 and 4e10 ns, both 2^35 and some
        Pod older = pod("older", "1b", Phase.RUNNING, true, 100, 70);
        Pod newer = pod("newer", "2a", Phase.RUNNING, true, 120, 90);
        assertEquals("older", ReplicaSetScaleDown.next(List.of(older, newer), 160).orElseThrow().name());
        Pod newerLowerUid = pod("newer", "0c", Phase.RUNNING, true, 120, 90);
        assertEquals("newer", ReplicaSetScaleDown.next(List.of(older, newerLowerUid), 160).orElseThrow().name());
    }

    @Test
    void podsReadyADoublingApartGoNewestFirstWhateverTheirUids() {
        // 30 s is under 2^35 ns, 40 s over
        Pod older = pod("older", "1b", Phase.RUNNING, true, 120, 80);
        Pod newer = pod("newer", "2a", Phase.RUNNING, true, 130, 90);
        assertEquals("newer", ReplicaSetScaleDown.next(List.of(older, newer), 160).orElseThrow().name());
    }

    @Test
    void readyTimesInTheSameSecondAreEqualSoTheCreationDecides() {
        // the API serves whole seconds: 100.2 and 100.9 are both 100; created 200 and 100 s before now
        Pod createdEarlier = pod("created-earlier", "2a", Phase.RUNNING, true, 100.9, 0);
        Pod createdLater = pod("created-later", "1b", Phase.RUNNING, true, 100.2, 100);
        assertEquals("created-later",
                ReplicaSetScaleDown.next(List.of(createdEarlier, createdLater), 200).orElseThrow().name());
    }

    @Test
    void podsBeingDeletedOrFailedAreNotCandidates() {
        Pod deleting = new Pod("deleting", "0", Phase.PENDING, false, 150, 150, 150, true);
        Pod failed = pod("failed", "1", Phase.FAILED, false, 0, 150);
        Pod ready = pod("ready", "2", Phase.RUNNING, true, 100, 70);
        assertEquals("ready", ReplicaSetScaleDown.next(List.of(deleting, failed, ready), 160).orElseThrow().name());
        assertTrue(ReplicaSetScaleDown.next(List.of(deleting, failed), 160).isEmpty());
    }

    @Test
    void uidsAreVersion4UuidsDrawnTheSameForTheSameSeed() {
        PodUids first = new PodUids(7);
        PodUids second = new PodUids(7);
        Pattern v4 = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        String a = first.next();
        String b = first.next();
        assertTrue(v4.matcher(a).matches(), a);
        assertTrue(v4.matcher(b).matches(), b);
        assertTrue(!a.equals(b), "two pods, two UIDs");
        assertEquals(List.of(a, b), List.of(second.next(), second.next()));
        assertTrue(!a.equals(new PodUids(8).next()), "another seed, another draw");
    }
}
