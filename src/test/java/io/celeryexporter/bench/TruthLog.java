package io.celeryexporter.bench;

import java.util.ArrayDeque;

/** When each queued task was pushed, kept by the benchmark's own producer and consumer: the truth for wait figures. */
final class TruthLog {

    private record Run(long count, double pushedAt) {}

    private final ArrayDeque<Run> runs = new ArrayDeque<>(); // oldest first
    private long size;

    synchronized void pushed(long count, double at) {
        runs.addLast(new Run(count, at));
        size += count;
    }

    synchronized void popped(long count) {
        long left = count;
        while (left > 0 && !runs.isEmpty()) {
            Run oldest = runs.pollFirst();
            long taken = Math.min(left, oldest.count());
            if (taken < oldest.count()) {
                runs.addFirst(new Run(oldest.count() - taken, oldest.pushedAt()));
            }
            left -= taken;
            size -= taken;
        }
    }

    synchronized double oldestAge(double now) {
        return runs.isEmpty() ? 0 : now - runs.peekFirst().pushedAt();
    }

    synchronized double averageWait(double now) {
        double sum = 0;
        for (Run r : runs) {
            sum += r.count() * (now - r.pushedAt());
        }
        return size == 0 ? 0 : sum / size;
    }
}
