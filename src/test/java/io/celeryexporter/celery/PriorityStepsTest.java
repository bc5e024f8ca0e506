package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PriorityStepsTest {

    @ParameterizedTest(name = "steps {0}: priority {1} -> step {2}")
    @CsvSource(delimiter = ';', value = {
        // kombu's default steps: 0-2 -> 0, 3-5 -> 3, 6-8 -> 6, 9 -> 9
        "0,3,6,9; 0; 0", "0,3,6,9; 2; 0", "0,3,6,9; 3; 3", "0,3,6,9; 5; 3", "0,3,6,9; 8; 6", "0,3,6,9; 9; 9",
        // out-of-range priorities are clamped to 0..9 first
        "0,3,6,9; -4; 0", "0,3,6,9; 42; 9",
        // every step
        "0,1,2,3,4,5,6,7,8,9; 7; 7",
        // steps without 0: a priority below the first step maps to the LAST step (bisect returns 0, steps[-1])
        "3,6; 1; 6", "3,6; 4; 3", "3,6; 9; 6",
    })
    void mapsPriorityToTheStepKombuUses(String steps, int priority, int expected) {
        assertEquals(expected, PrioritySteps.parse(steps).stepFor(priority));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "0,10", "-1", "3,3"})
    void rejectsInvalidStepLists(String steps) {
        assertThrows(IllegalArgumentException.class, () -> PrioritySteps.parse(steps));
    }

    @org.junit.jupiter.api.Test
    void sortsSteps() {
        assertEquals(List.of(0, 3, 9), PrioritySteps.parse("9, 0,3").steps());
    }
}
