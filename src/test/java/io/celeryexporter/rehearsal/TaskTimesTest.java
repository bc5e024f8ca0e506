package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskTimesTest {

    private static double[] draw(TaskTimes times, int n) {
        Random random = new Random(7);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = times.next(random);
        }
        Arrays.sort(out);
        return out;
    }

    @Test
    void aLogNormalHasTheMedianAndP99ItWasGiven() {
        TaskTimes times = new TaskTimes.LogNormal(0.8, 12);
        double[] d = draw(times, 200_000);
        assertEquals(0.8, d[d.length / 2], 0.8 * 0.02, "median");
        assertEquals(12, d[(int) (d.length * 0.99)], 12 * 0.05, "p99");
        assertEquals(times.mean(), Arrays.stream(d).average().orElseThrow(), times.mean() * 0.03, "mean");
        // sigma = ln(15) / 2.326, mean = median * exp(sigma^2 / 2)
        assertEquals(0.8 * Math.exp(Math.pow(Math.log(15) / 2.3263478740, 2) / 2), times.mean(), 1e-9);
    }

    @Test
    void anExponentialAndAFixedKeepTheirMean() {
        assertEquals(0.8, Arrays.stream(draw(new TaskTimes.Exponential(0.8), 200_000)).average().orElseThrow(),
                0.8 * 0.01);
        assertEquals(List.of(2.5), Arrays.stream(draw(new TaskTimes.Fixed(2.5), 10)).distinct().boxed().toList());
    }

    @Test
    void recordedDurationsAreDrawnAsTheyCame() {
        TaskTimes times = TaskTimes.Recorded.parse(List.of("seconds", "0.5", "", "1.5", "1.5"));
        assertEquals(3.5 / 3, times.mean(), 1e-12);
        assertEquals(List.of(0.5, 1.5), Arrays.stream(draw(times, 1000)).distinct().boxed().toList());
    }

    @Test
    void aCumulativeHistogramSpreadsEachBucketBetweenItsBounds() {
        TaskTimes.Recorded times = TaskTimes.Recorded.parse(List.of("le,count", "1,10", "2,30", "+Inf,30"));
        assertEquals(30, times.seconds().length);
        assertEquals((10 * 0.5 + 20 * 1.5) / 30, times.mean(), 1e-12);
        assertTrue(Arrays.stream(times.seconds()).allMatch(s -> s > 0 && s < 2));
    }

    @Test
    void aRecordingCanFixTheMeanKeepingTheShape() {
        TaskTimes.LogNormal scaled = (TaskTimes.LogNormal) new TaskTimes.LogNormal(1, 10).withMean(3);
        assertEquals(3, scaled.mean(), 1e-9);
        assertEquals(10, scaled.p99() / scaled.median(), 1e-9);
    }

    @Test
    void badInputIsOneClearMessage() {
        assertEquals("the task time's p99 (0.5 s) must be at least its median (1.0 s)",
                assertThrows(IllegalArgumentException.class, () -> new TaskTimes.LogNormal(1, 0.5)).getMessage());
        assertEquals("the histogram's counts must be cumulative: 5.0 after 10.0",
                assertThrows(IllegalArgumentException.class,
                        () -> TaskTimes.Recorded.parse(List.of("1,10", "2,5"))).getMessage());
        assertEquals("'oops' is not a number, nor le,count",
                assertThrows(IllegalArgumentException.class,
                        () -> TaskTimes.Recorded.parse(List.of("1.0", "oops"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskTimes.Recorded.parse(List.of("seconds")))
                .getMessage().startsWith("no task times"));
    }
}
