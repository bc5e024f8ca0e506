package io.celeryexporter.celery;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The priority steps of kombu's Redis transport: each step N other than 0 has its own list {@code queue + SEP + N}.
 *
 * <p>The default, every step from 0 to 9, covers any step set a Celery app can configure, because
 * {@code LLEN} of a list that does not exist is 0.
 */
public record PrioritySteps(List<Integer> steps) {

    public static final PrioritySteps ALL = new PrioritySteps(IntStream.rangeClosed(0, 9).boxed().toList());
    public static final PrioritySteps KOMBU_DEFAULT = new PrioritySteps(List.of(0, 3, 6, 9));

    public PrioritySteps {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("priority steps must not be empty");
        }
        List<Integer> sorted = new ArrayList<>(steps);
        sorted.sort(null);
        for (int i = 0; i < sorted.size(); i++) {
            int step = sorted.get(i);
            if (step < 0 || step > 9) {
                throw new IllegalArgumentException("priority step " + step + " is outside 0..9");
            }
            if (i > 0 && sorted.get(i - 1) == step) {
                throw new IllegalArgumentException("priority step " + step + " is listed twice");
            }
        }
        steps = List.copyOf(sorted);
    }

    /** Parses {@code "0,3,6,9"}. */
    public static PrioritySteps parse(String text) {
        List<Integer> steps = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            try {
                steps.add(Integer.parseInt(trimmed));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("priority step '" + trimmed + "' is not a whole number");
            }
        }
        return new PrioritySteps(steps);
    }

    /**
     * The step a message priority is stored under, as kombu's {@code Channel.priority} computes it: the largest
     * step not above the priority, or the last step when every step is above it.
     */
    public int stepFor(int priority) {
        int clamped = Math.max(0, Math.min(9, priority));
        int chosen = steps.get(steps.size() - 1);
        for (int step : steps) {
            if (step <= clamped) {
                chosen = step;
            }
        }
        return chosen;
    }
}
