package io.celeryexporter.poll;

import io.celeryexporter.broker.AnchoredRange;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.tracking.TaskNameRuns;
import io.celeryexporter.tracking.TaskNames;
import java.util.Arrays;
import java.util.List;

/**
 * Exact counts of queued tasks per task name for one list ({@code --task-breakdown}).
 *
 * <p>The names are kept in list order ({@link TaskNameRuns}), so departures, which leave from the oldest end, can be
 * taken off without reading them. Each poll reads only the arriving messages. Reads happen outside the atomic
 * snapshot, so each page carries an anchor: an element whose position, read in the same transaction, tells how far
 * later pushes have shifted the list.
 *
 * <p>A full, paged scan (at most {@link #PAGE} elements per call, a budget of pages per poll) builds the names when
 * the exporter starts, and rebuilds them when kombu restores messages to the consuming end, which plain arrival
 * tracking cannot place. The list's counts are withheld while it scans.
 */
final class TaskBreakdown {

    static final int PAGE = 1000;
    /** Extra elements read past a page, so pushes between the page's planning and its read do not force a retry. */
    private static final int MARGIN = 64;
    /** How many pushes may land at the newest end during a scan before the scan starts over. */
    private static final int ANCHOR_SEARCH = 100_000;
    private static final int MAX_RETRIES = 16;

    /** Pages this poll may still read, shared by every list. */
    static final class Budget {
        private int pages;

        Budget(int pages) {
            this.pages = pages;
        }

        boolean take() {
            if (pages <= 0) {
                return false;
            }
            pages--;
            return true;
        }
    }

    private final byte[] key;
    private final TaskNames names;
    private final MessageDecoder decoder;
    private final TaskNameRuns runs = new TaskNameRuns();

    private boolean ready;
    private boolean scanning;
    /** Arrivals between the snapshot and the end of the last scan, to subtract from the next poll's arrivals. */
    private long arrivalsBeforeReady;
    private byte[] scanAnchor;
    private long scanRead;
    private long scanShift;
    private boolean scanReachedOldest;
    private int[] scanNames = new int[0];

    TaskBreakdown(byte[] key, TaskNames names, MessageDecoder decoder) {
        this.key = key;
        this.names = names;
        this.decoder = decoder;
    }

    boolean ready() {
        return ready;
    }

    TaskNameRuns runs() {
        return runs;
    }

    /**
     * Follows one poll.
     *
     * @param length      the list's length in the snapshot
     * @param arrivals    arrivals the wait tracker found, or -1 at its first look
     * @param newest      the snapshot's newest element (index 0), or null when empty
     * @param restored    the poll saw messages pushed back at the consuming end
     */
    void update(long length, long arrivals, byte[] newest, boolean restored, RedisBroker broker, Budget budget) {
        if (ready) {
            long sinceReady = arrivals - arrivalsBeforeReady;
            long departures = runs.size() + sinceReady - length;
            arrivalsBeforeReady = 0;
            if (arrivals < 0 || restored || sinceReady < 0 || departures < 0 || !runs.removeOldest(departures)) {
                startScan(newest);
            } else if (appendArrivals(sinceReady, newest, broker)) {
                return;
            } else {
                startScan(newest);
            }
        } else if (!scanning) {
            startScan(newest);
        }
        continueScan(newest, broker, budget);
    }

    /**
     * Reads the {@code count} newest elements of the snapshot ({@code newest} was at index 0 then); false when pushes
     * kept outrunning the reads, and the list must be scanned instead.
     */
    private boolean appendArrivals(long count, byte[] newest, RedisBroker broker) {
        if (count == 0) {
            return true;
        }
        int[] ids = new int[(int) count]; // newest first
        long read = 0;
        long shift = 0;
        int retries = 0;
        while (read < count) {
            int want = (int) Math.min(PAGE, count - read);
            AnchoredRange r = broker.anchoredRange(key, newest, ANCHOR_SEARCH, read + shift,
                    read + shift + want - 1 + MARGIN, null);
            if (r.anchorPosition() == null) {
                break; // every arrival was taken already; keep their places as unknown, they leave next poll
            }
            long offset = r.anchorPosition() - shift;
            if (offset < 0 || offset > MARGIN) {
                if (++retries > MAX_RETRIES) {
                    return false;
                }
                shift = r.anchorPosition();
                continue;
            }
            int got = (int) Math.min(want, r.elements().size() - offset);
            for (int i = 0; i < got; i++) {
                ids[(int) read + i] = nameId(r.elements().get((int) offset + i));
            }
            read += Math.max(got, 0);
            shift = r.anchorPosition();
            if (got < want) {
                break; // the oldest arrivals were taken meanwhile: unknown, they leave next poll
            }
        }
        int unknown = names.idOf(TaskNames.UNKNOWN);
        for (long i = read; i < count; i++) {
            ids[(int) i] = unknown;
        }
        for (int i = ids.length - 1; i >= 0; i--) {
            runs.appendNewest(ids[i]);
        }
        return true;
    }

    private void startScan(byte[] newest) {
        ready = false;
        runs.clear();
        scanning = newest != null;
        scanAnchor = newest;
        scanRead = 0;
        scanShift = 0;
        scanReachedOldest = false;
        scanNames = new int[1024];
        if (!scanning) {
            ready = true; // empty list: nothing to read
            arrivalsBeforeReady = 0;
        }
    }

    /** Reads pages from the anchor toward the oldest end, as far as the budget allows. */
    private void continueScan(byte[] currentNewest, RedisBroker broker, Budget budget) {
        if (scanning && scanReachedOldest) {
            finishScan(currentNewest, broker, budget);
        }
        while (scanning && budget.take()) {
            AnchoredRange r = broker.anchoredRange(key, scanAnchor, ANCHOR_SEARCH, scanRead + scanShift,
                    scanRead + scanShift + PAGE - 1 + MARGIN, null);
            if (r.anchorPosition() == null) {
                startScan(currentNewest); // drained past the anchor, or pushed past the search: start over
                continue;
            }
            long offset = r.anchorPosition() - scanShift;
            scanShift = r.anchorPosition();
            if (offset < 0 || offset > MARGIN) {
                continue;
            }
            int got = (int) Math.max(0, Math.min(PAGE, r.elements().size() - offset));
            for (int i = 0; i < got; i++) {
                addScanned(nameId(r.elements().get((int) offset + i)));
            }
            if (got < PAGE) {
                scanReachedOldest = true;
                finishScan(currentNewest, broker, budget);
            }
        }
    }

    private void addScanned(int id) {
        if (scanRead == scanNames.length) {
            scanNames = Arrays.copyOf(scanNames, scanNames.length * 2);
        }
        scanNames[(int) scanRead++] = id;
    }

    /** Reads what was pushed after the anchor, and aligns everything with the list at that moment. */
    private void finishScan(byte[] currentNewest, RedisBroker broker, Budget budget) {
        while (budget.take()) {
            long shift = scanShift;
            AnchoredRange r = broker.anchoredRange(key, scanAnchor, ANCHOR_SEARCH, 0, shift - 1 + MARGIN,
                    currentNewest);
            if (r.anchorPosition() == null || (currentNewest != null && r.markerPosition() == null)) {
                startScan(currentNewest);
                return;
            }
            scanShift = r.anchorPosition();
            if (scanShift > shift + MARGIN) {
                continue; // more pushes than the margin: read a wider head next time
            }
            long fromAnchorToOldest = r.length() - scanShift;
            if (fromAnchorToOldest > scanRead) {
                startScan(currentNewest); // pushed back at the oldest end (a restore) after the scan passed it
                return;
            }
            long kept = fromAnchorToOldest; // workers may have taken the oldest ones meanwhile
            for (long i = kept - 1; i >= 0; i--) {
                runs.appendNewest(scanNames[(int) i]);
            }
            List<byte[]> head = r.elements();
            for (long i = scanShift - 1; i >= 0; i--) {
                runs.appendNewest(nameId(head.get((int) i)));
            }
            arrivalsBeforeReady = r.markerPosition() == null ? 0 : r.markerPosition();
            scanning = false;
            ready = true;
            scanNames = new int[0];
            return;
        }
    }

    /** Undecodable messages count as unknown here; the counter counts them once, when they reach the head. */
    private int nameId(byte[] raw) {
        try {
            return names.idOf(decoder.decode(raw).taskName());
        } catch (UndecodableMessageException e) {
            return names.idOf(TaskNames.UNKNOWN);
        }
    }
}
