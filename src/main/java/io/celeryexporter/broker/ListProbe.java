package io.celeryexporter.broker;

import java.util.function.Predicate;

/**
 * What one poll reads of one list, inside the atomic snapshot.
 *
 * @param key          the list key
 * @param reads        which commands read it
 * @param lastNewest   with {@link Reads#ANCHORED}: the element that was newest (index 0) at the previous poll; its
 *                     position now tells how many elements arrived since
 * @param isLastNewest with {@link Reads#MATCHED}: tells that element, for a caller that no longer keeps its bytes
 * @param searchLimit  how far from the newest end to look for it: {@code LPOS … MAXLEN}, or an {@code LRANGE} of that
 *                     many newest elements searched on the client (where the server has no LPOS, or with a matcher)
 */
public record ListProbe(byte[] key, Reads reads, byte[] lastNewest, Predicate<byte[]> isLastNewest,
                        int searchLimit) {

    /** The commands of a probe, from the cheapest. */
    public enum Reads {
        /** {@code LLEN}; the lists of a group that all were empty share one {@code EXISTS} instead. */
        LENGTH,
        /** {@code LLEN} and the oldest element: enough to tell that a list is as the last poll left it. */
        LENGTH_AND_OLDEST,
        /** {@code LLEN} and both ends. */
        ENDS,
        /** {@code LLEN}, where {@code lastNewest} now stands, and both ends. */
        ANCHORED,
        /** {@code LLEN}, the newest {@code searchLimit} elements searched with {@code isLastNewest}, and both ends. */
        MATCHED
    }

    public static ListProbe length(byte[] key) {
        return new ListProbe(key, Reads.LENGTH, null, null, 0);
    }

    public static ListProbe lengthAndOldest(byte[] key) {
        return new ListProbe(key, Reads.LENGTH_AND_OLDEST, null, null, 0);
    }

    public static ListProbe ends(byte[] key) {
        return new ListProbe(key, Reads.ENDS, null, null, 0);
    }

    public static ListProbe anchored(byte[] key, byte[] lastNewest, int searchLimit) {
        return new ListProbe(key, Reads.ANCHORED, lastNewest, null, searchLimit);
    }

    public static ListProbe matched(byte[] key, Predicate<byte[]> isLastNewest, int searchLimit) {
        return new ListProbe(key, Reads.MATCHED, null, isLastNewest, searchLimit);
    }

    /** Only whether the list holds anything is asked. */
    public boolean lengthOnly() {
        return reads == Reads.LENGTH;
    }
}
