package io.celeryexporter.rehearsal;

import java.util.List;

/**
 * How long each new replica's app takes to boot once its process runs: time a pod spends within its start-up, on
 * top of {@link WorkerSettings#podStartup()}. A live run measures it per worker (process start to first heartbeat)
 * and its {@code --compare} simulation replays it pod by pod: on a shared machine it ranges from under a second to
 * several, and one mean puts every modelled pod in step where the real ones were not (bench/WORKERS.md).
 *
 * @param inOrder   seconds for the first, second, … replica the rehearsal starts (those it begins with excluded);
 *                  NaN for one never seen online
 * @param otherwise seconds for a replica beyond the list, or at a NaN
 */
public record Boots(List<Double> inOrder, double otherwise) {

    /** No boot beyond the start-up: the modelled pods of a plain simulation. */
    public static final Boots NONE = new Boots(List.of(), 0);

    public Boots {
        inOrder = List.copyOf(inOrder);
    }

    /** The boot of the {@code index}-th replica started (from 0). */
    public double of(int index) {
        if (index < inOrder.size() && !Double.isNaN(inOrder.get(index))) {
            return inOrder.get(index);
        }
        return otherwise;
    }
}
