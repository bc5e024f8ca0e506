package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BootsTest {

    @Test
    void eachReplicaTakesItsMeasuredBootAndOneNeverSeenOnlineOrBeyondTheListTheMean() {
        Boots boots = new Boots(List.of(2.0, Double.NaN, 4.0), 3.5);
        assertEquals(2.0, boots.of(0));
        assertEquals(3.5, boots.of(1), "its boot was never measured");
        assertEquals(4.0, boots.of(2));
        assertEquals(3.5, boots.of(3), "the simulation started more replicas than the live run");
    }

    @Test
    void withoutBootsAPodStartsAtItsStartUp() {
        assertEquals(0, Boots.NONE.of(0));
    }
}
