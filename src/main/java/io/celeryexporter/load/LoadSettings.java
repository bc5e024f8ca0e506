package io.celeryexporter.load;

import java.time.Duration;
import java.util.List;

/**
 * What the load generator publishes and consumes.
 *
 * @param queue        target queue
 * @param taskNames    task names, used in turn
 * @param rate         average tasks published per second
 * @param profile      how the rate changes over time
 * @param duration     how long to publish (and consume)
 * @param consumeRate  tasks taken per second by the simulated workers (BRPOP), 0 for none
 * @param priorities   priorities used in turn, 0–9
 * @param payloadBytes size of the string argument each task carries
 * @param fill         publish this many tasks as fast as possible first (pipelined), 0 for none
 * @param keyPrefix    kombu's global_keyprefix
 */
public record LoadSettings(String queue, List<String> taskNames, double rate, RateProfile profile, Duration duration,
                           double consumeRate, List<Integer> priorities, int payloadBytes, long fill,
                           String keyPrefix) {

    public LoadSettings {
        taskNames = List.copyOf(taskNames);
        priorities = List.copyOf(priorities);
        if (taskNames.isEmpty()) {
            throw new IllegalArgumentException("at least one task name is needed");
        }
        if (priorities.isEmpty() || priorities.stream().anyMatch(p -> p < 0 || p > 9)) {
            throw new IllegalArgumentException("priorities must be between 0 and 9");
        }
        if (rate < 0 || consumeRate < 0 || payloadBytes < 0 || fill < 0) {
            throw new IllegalArgumentException("rates, payload size and fill must not be negative");
        }
    }
}
