package io.celeryexporter.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.celery.WorkerEvent;
import io.celeryexporter.celery.WorkerInfo;
import io.celeryexporter.tracking.PollTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Liveness as Celery's events.state decides it, counters that never go back, and slots never invented. */
class WorkerRegistryTest {

    private static final double T0 = 1_800_000_000;
    private static final WorkerInfo FOUR_SLOTS = new WorkerInfo(Set.of("evaluation"), 4, 4, false);

    private final WorkerRegistry registry = new WorkerRegistry(WorkerGrouping.DEFAULT, 30);

    private static PollTime at(double t) {
        return new PollTime(T0 + t, t);
    }

    private static WorkerEvent event(WorkerEvent.Type type, String host, long active, long processed,
                                     WorkerInfo info) {
        return new WorkerEvent(type, host, 2.0, active, processed, info);
    }

    private GroupStats group(double now, String name) {
        registry.expire(now, Double.NEGATIVE_INFINITY);
        return registry.view(true, true).groups().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aWorkerIsOnlineUntilItSaysOfflineOrMissesTwoHeartbeatIntervals() {
        registry.apply(event(WorkerEvent.Type.ONLINE, "celery@d-7d9f8c6b5-zzzzz", 0, 0, WorkerInfo.UNKNOWN), at(0));
        registry.apply(event(WorkerEvent.Type.ONLINE, "celery@d-7d9f8c6b5-bbbbb", 0, 0, WorkerInfo.UNKNOWN), at(0));
        assertEquals(2, group(0, "d").online());
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-7d9f8c6b5-zzzzz", 3, 5, WorkerInfo.UNKNOWN), at(2));
        assertEquals(new GroupStats("d", 2, 3, -1, 5, 0, 0), group(4.0, "d"), "b heard at 0: alive up to 4 s");
        assertEquals(new GroupStats("d", 1, 3, -1, 5, 0, 1), group(4.01, "d"), "b missed its heartbeats");
        registry.apply(event(WorkerEvent.Type.OFFLINE, "celery@d-7d9f8c6b5-zzzzz", 0, 7, WorkerInfo.UNKNOWN), at(5));
        assertEquals(new GroupStats("d", 0, 0, 0, 7, 1, 1), group(5, "d"),
                "offline at once; the group stays, with 0 online; started takes the offline event's count too");
    }

    @Test
    void startedCountsOnlyWhatWorkersStartedSinceTheExporterSawThemAndNeverGoesBack() {
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 1, 1000, WorkerInfo.UNKNOWN), at(0));
        assertEquals(0, group(0, "d").started(), "met mid-life: its first 1000 tasks came before the exporter");
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 1, 1010, WorkerInfo.UNKNOWN), at(2));
        assertEquals(10, group(2, "d").started());
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 0, 3, WorkerInfo.UNKNOWN), at(3));
        GroupStats restarted = group(3, "d");
        assertEquals(10, restarted.started(), "a restart under the same name starts its count again");
        assertEquals(1, restarted.heartbeatsMissed(), "and the process before it went without a word");
        registry.apply(event(WorkerEvent.Type.ONLINE, "celery@d-bbbbb", 0, 0, WorkerInfo.UNKNOWN), at(3));
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-bbbbb", 0, 4, WorkerInfo.UNKNOWN), at(4));
        assertEquals(14, group(4, "d").started(), "a worker seen coming online counts from its start");
    }

    @Test
    void aHeartbeatWithoutActiveKeepsTheLastKnownExecuting() {
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 3, 9, WorkerInfo.UNKNOWN), at(0));
        registry.apply(new WorkerEvent(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 5.0, -1, -1,
                WorkerInfo.UNKNOWN), at(1));
        GroupStats g = group(1, "d");
        assertEquals(3, g.executing());
        assertEquals(1, g.online());
        assertEquals(1, group(10.9, "d").online(), "its freq of 5 s holds it for 10 s");
    }

    @Test
    void slotsAreKnownOnlyWhenEveryOnlineWorkerSaysOrItsGroupIsConfigured() {
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 0, 0, FOUR_SLOTS), at(0));
        assertEquals(4, group(0, "d").slots());
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-bbbbb", 0, 0, WorkerInfo.UNKNOWN), at(0));
        assertFalse(group(0, "d").slotsKnown(), "never invent a slot count");

        WorkerRegistry configured = new WorkerRegistry(new WorkerGrouping(WorkerGrouping.DEFAULT_PATTERN,
                Map.of("d", new WorkerInfo(null, 8, null, null))), 30);
        configured.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 0, 0, FOUR_SLOTS), at(0));
        configured.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-bbbbb", 0, 0, WorkerInfo.UNKNOWN), at(0));
        configured.expire(0, Double.NEGATIVE_INFINITY);
        assertEquals(12, configured.view(true, true).groups().get(0).slots(), "advertised 4 wins; configured 8 fills in");
    }

    @Test
    void aWorkerThatSaidOfflineMayHoldTasksForTheStopGrace() {
        registry.apply(event(WorkerEvent.Type.ONLINE, "celery@d-zzzzz", 0, 0, WorkerInfo.UNKNOWN), at(0));
        registry.apply(event(WorkerEvent.Type.OFFLINE, "celery@d-zzzzz", 1, 0, WorkerInfo.UNKNOWN), at(1));
        registry.expire(31, Double.NEGATIVE_INFINITY);
        List<LiveWorker> holders = registry.view(true, true).holders();
        assertEquals(1, holders.size());
        assertTrue(holders.get(0).stopping());
        assertEquals(T0, holders.get(0).startedAt());
        registry.expire(31.01, Double.NEGATIVE_INFINITY);
        assertTrue(registry.view(true, true).holders().isEmpty());
    }

    @Test
    void aWorkerSilentOnlyWhileNobodyListenedIsNotGone() {
        registry.apply(event(WorkerEvent.Type.HEARTBEAT, "celery@d-zzzzz", 0, 0, WorkerInfo.UNKNOWN), at(0));
        registry.expire(30, Double.NaN);
        assertEquals(1, registry.view(false, false).groups().get(0).online(), "the subscription is down");
        registry.expire(30, 28);
        assertEquals(1, registry.view(true, false).groups().get(0).online(), "listened for 2 s only");
        registry.expire(32.01, 28);
        GroupStats gone = registry.view(true, true).groups().get(0);
        assertEquals(0, gone.online());
        assertEquals(1, gone.heartbeatsMissed());
    }
}
