package io.celeryexporter.broker;

/**
 * What one poll reads of one list, inside the atomic snapshot.
 *
 * @param key          the list key
 * @param lastNewest   the element that was newest (index 0) at the previous poll, or null: its position now tells how
 *                     many elements arrived since
 * @param searchLimit  how far from the newest end to look for {@code lastNewest}: {@code LPOS … MAXLEN}, or, where the
 *                     server has no LPOS, an {@code LRANGE} of that many newest elements searched on the client
 * @param readEnds     read the newest and the oldest element too
 */
public record ListProbe(byte[] key, byte[] lastNewest, int searchLimit, boolean readEnds) {

    public static ListProbe lengthOnly(byte[] key) {
        return new ListProbe(key, null, 0, false);
    }

    /** Only whether the list holds anything is asked. */
    public boolean lengthOnly() {
        return lastNewest == null && !readEnds;
    }
}
