package io.celeryexporter.tracking;

import java.util.Arrays;

/**
 * The task names of one list's elements in list order, oldest first, as runs of equal names: 8 bytes per run in a
 * ring of packed longs (name id in the high half, run length in the low half). Workers take from the oldest end and
 * producers add at the newest end, so both ends are O(1); per-name totals are kept alongside.
 */
public final class TaskNameRuns {

    private long[] ring = new long[16];
    private int head;
    private int runs;
    private long size;
    private long[] perName = new long[8];

    public long size() {
        return size;
    }

    /** Element counts by name id. */
    public long count(int nameId) {
        return nameId < perName.length ? perName[nameId] : 0;
    }

    public int nameIdBound() {
        return perName.length;
    }

    public void appendNewest(int nameId) {
        if (runs > 0) {
            int last = (head + runs - 1) & (ring.length - 1);
            if (nameOf(ring[last]) == nameId && lengthOf(ring[last]) < Integer.MAX_VALUE) {
                ring[last]++;
                added(nameId);
                return;
            }
        }
        if (runs == ring.length) {
            grow();
        }
        ring[(head + runs) & (ring.length - 1)] = pack(nameId, 1);
        runs++;
        added(nameId);
    }

    /** Removes {@code n} elements from the oldest end; false (and nothing removed) if there are fewer. */
    public boolean removeOldest(long n) {
        if (n > size) {
            return false;
        }
        long left = n;
        while (left > 0) {
            long run = ring[head];
            int name = nameOf(run);
            long length = lengthOf(run);
            long taken = Math.min(left, length);
            perName[name] -= taken;
            size -= taken;
            left -= taken;
            if (taken == length) {
                head = (head + 1) & (ring.length - 1);
                runs--;
            } else {
                ring[head] = pack(name, length - taken);
            }
        }
        return true;
    }

    public void clear() {
        head = 0;
        runs = 0;
        size = 0;
        Arrays.fill(perName, 0);
    }

    private void added(int nameId) {
        if (nameId >= perName.length) {
            perName = Arrays.copyOf(perName, Math.max(nameId + 1, perName.length * 2));
        }
        perName[nameId]++;
        size++;
    }

    private void grow() {
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < runs; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }

    private static long pack(int nameId, long length) {
        return ((long) nameId << 32) | length;
    }

    private static int nameOf(long run) {
        return (int) (run >>> 32);
    }

    private static long lengthOf(long run) {
        return run & 0xffffffffL;
    }
}
