package io.celeryexporter.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WeightedLineTest {

    @Test
    void pointsOnALineGiveThatLine() {
        WeightedLine line = WeightedLine.fit(new double[] {1, 2, 4}, new double[] {5, 7, 11}, new double[] {1, 3, 2});
        assertEquals(2, line.slope(), 1e-12);
        assertEquals(3 + 2 * 10, line.at(10), 1e-12);
    }

    @Test
    void heavierPointsPullTheLine() {
        // (0, 0) weight 1, (1, 0) weight 1, (1, 3) weight 2: at x = 1 the weighted mean is 2, so slope 2
        WeightedLine line = WeightedLine.fit(new double[] {0, 1, 1}, new double[] {0, 0, 3}, new double[] {1, 1, 2});
        assertEquals(2, line.slope(), 1e-12);
        assertEquals(0, line.at(0), 1e-12);
        assertEquals(0.75, line.center(), 1e-12);
    }

    @Test
    void oneDistinctXHasNoSlope() {
        assertThrows(IllegalArgumentException.class,
                () -> WeightedLine.fit(new double[] {3, 3}, new double[] {1, 2}, new double[] {1, 1}));
    }
}
