package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordedArrivalsTest {

    private static List<RecordedArrivals.Sample> samples(double... timeValue) {
        List<RecordedArrivals.Sample> out = new ArrayList<>();
        for (int i = 0; i < timeValue.length; i += 2) {
            out.add(new RecordedArrivals.Sample(timeValue[i], timeValue[i + 1]));
        }
        return out;
    }

    @Test
    void increasesBecomeArrivalsPerScrapeInterval() {
        RecordedArrivals r = RecordedArrivals.fromCounters(List.of(samples(0, 100, 10, 105, 20, 125, 30, 125)), 0, 30);
        assertEquals(10, r.step());
        assertArrayEquals(new long[] {5, 20, 0}, r.counts(), "the counter's value before the range is not traffic");
    }

    @Test
    void aResetCountsWhatTheNewProcessCountedAndAGapIsSpreadOverIt() {
        // restart between 10 and 20 (counter 4 at 20); no scrape from 30 to 60, while 30 more arrived
        RecordedArrivals r = RecordedArrivals.fromCounters(List.of(
                samples(0, 50, 10, 60, 20, 4, 30, 8, 60, 38, 70, 40)), 0, 70);
        assertArrayEquals(new long[] {10, 4, 4, 10, 10, 10, 2}, r.counts());
        assertEquals(1, r.resets());
        assertEquals(1, r.gaps());
        assertEquals(50, r.total());
    }

    @Test
    void replicasCountingTheSameQueueAreNotAddedUp() {
        RecordedArrivals r = RecordedArrivals.fromCounters(List.of(samples(0, 0, 10, 7, 20, 14),
                samples(0, 900, 10, 907)), 0, 20);
        assertArrayEquals(new long[] {7, 7}, r.counts(), "per step the larger count: a replica that stopped early");
    }

    @Test
    void fractionsAreCarriedNotLost() {
        // 10 arrivals over a 30 s gap, in 10 s steps: 3.33 each, rounded so that the total stays 10
        RecordedArrivals r = RecordedArrivals.fromCounters(List.of(samples(0, 0, 10, 0, 20, 0, 50, 10)), 0, 50);
        assertEquals(10, r.total());
        assertArrayEquals(new long[] {0, 0, 3, 4, 3}, r.counts());
    }

    @Test
    void fewerThanTwoSamplesIsNoTraffic() {
        assertThrows(IllegalArgumentException.class,
                () -> RecordedArrivals.fromCounters(List.of(samples(5, 1)), 0, 10));
    }

    @Test
    void theTrafficPlaysEachStepsArrivalsEvenlyAcrossIt() {
        Traffic t = Traffic.recorded(new RecordedArrivals(10, new long[] {2, 0, 1}, 0, 0));
        assertEquals(2.5, t.take());
        assertEquals(7.5, t.take());
        assertEquals(25, t.take());
        assertEquals(Double.POSITIVE_INFINITY, t.nextArrival());
        assertEquals(30, t.duration());
    }
}
