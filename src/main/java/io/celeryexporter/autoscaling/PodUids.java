package io.celeryexporter.autoscaling;

import java.util.Random;
import java.util.UUID;

/**
 * The UIDs the API server gives new pods: random version-4 UUIDs. Drawn here from a seed, so that a rehearsal
 * repeats itself and the n-th pod of a live run and of its simulation ({@code --compare}) get the same one: a
 * ReplicaSet's choice between equally old pods ({@link ReplicaSetScaleDown}) then agrees on both sides.
 */
public final class PodUids {

    private final Random random;

    public PodUids(long seed) {
        this.random = new Random(seed ^ 0x9E3779B97F4A7C15L);
    }

    public String next() {
        long high = random.nextLong() & ~0xF000L | 0x4000L; // version 4
        long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L; // the IETF variant
        return new UUID(high, low).toString();
    }
}
