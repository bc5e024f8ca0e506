package io.celeryexporter.broker;

import java.util.List;

/**
 * A slice of a list read together with where known elements stand, in one transaction, so the slice can be placed
 * exactly even while producers push and workers pop.
 *
 * @param length         {@code LLEN}
 * @param anchorPosition where the anchor element stands (from the newest end), or null if not found
 * @param markerPosition where the marker element stands, or null if not found or not asked
 * @param elements       {@code LRANGE start stop}
 */
public record AnchoredRange(long length, Long anchorPosition, Long markerPosition, List<byte[]> elements) {

    public AnchoredRange {
        elements = List.copyOf(elements);
    }
}
