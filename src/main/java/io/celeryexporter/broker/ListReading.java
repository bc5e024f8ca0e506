package io.celeryexporter.broker;

/**
 * One list as the snapshot saw it.
 *
 * @param length              {@code LLEN}, or {@link #UNKNOWN_LENGTH}
 * @param positionOfLastNewest where the probe's {@code lastNewest} now stands (0 = still newest), or null when it was not
 *                            found within the search limit or not asked for
 * @param newest              the element at index 0, or null (empty list or not asked for)
 * @param oldest              the element at index -1, the next one a worker takes, or null
 */
public record ListReading(long length, Long positionOfLastNewest, byte[] newest, byte[] oldest) {

    /** The length of a list that may have filled since the last poll: read it again. */
    public static final long UNKNOWN_LENGTH = -1;
}
