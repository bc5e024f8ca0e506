package io.celeryexporter.broker;

/**
 * What one poll reads of one list, inside the atomic snapshot.
 *
 * @param key          the list key
 * @param reads        which commands read it
 * @param lastNewest   with {@link Reads#ANCHORED}: the element that was newest (index 0) at the previous poll; its
 *                     position now tells how many elements arrived since
 * @param searchLimit  with {@link Reads#ANCHORED}: how far from the newest end to look for {@code lastNewest}:
 *                     {@code LPOS … MAXLEN}, or, where the server has no LPOS, an {@code LRANGE} of that many newest
 *                     elements searched on the client
 */
public record ListProbe(byte[] key, Reads reads, byte[] lastNewest, int searchLimit) {

    /** The commands of a probe, from the cheapest. */
    public enum Reads {
        /** {@code LLEN}; the lists of a group that all were empty share one {@code EXISTS} instead. */
        LENGTH,
        /** {@code LLEN} and the oldest element: enough to tell that a list is as the last poll left it. */
        LENGTH_AND_OLDEST,
        /** {@code LLEN} and both ends. */
        ENDS,
        /** {@code LLEN}, where {@code lastNewest} now stands, and both ends. */
        ANCHORED
    }

    public static ListProbe length(byte[] key) {
        return new ListProbe(key, Reads.LENGTH, null, 0);
    }

    public static ListProbe lengthAndOldest(byte[] key) {
        return new ListProbe(key, Reads.LENGTH_AND_OLDEST, null, 0);
    }

    public static ListProbe ends(byte[] key) {
        return new ListProbe(key, Reads.ENDS, null, 0);
    }

    public static ListProbe anchored(byte[] key, byte[] lastNewest, int searchLimit) {
        return new ListProbe(key, Reads.ANCHORED, lastNewest, searchLimit);
    }

    /** Only whether the list holds anything is asked. */
    public boolean lengthOnly() {
        return reads == Reads.LENGTH;
    }
}
