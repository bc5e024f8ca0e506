package io.celeryexporter.tracking;

/**
 * What one poll learned about one list, already resolved from Redis replies.
 *
 * @param length    {@code LLEN}
 * @param arrivals  elements pushed at the newest end since the previous poll, or -1 when this is the tracker's first
 *                  look at the list (after an exporter start): then nothing is known of when its elements came
 * @param headTime  the best known time the oldest element (index -1) started waiting, from the message itself
 *                  (publish-time header, {@code expires - expiration}, or a past ETA); NaN when the message has none
 * @param headNotDue the oldest element is an ETA task whose ETA is still in the future: it is not waiting yet
 * @param headTimeIsArrival {@code headTime} is when the oldest element was pushed into this list (a publish time of a
 *                  message never redelivered), so what the tracker saw of its arrival bounds it; false for an ETA or a
 *                  requeued message, whose wait legitimately starts elsewhere
 */
public record ListObservation(long length, long arrivals, double headTime, boolean headNotDue,
                              boolean headTimeIsArrival) {

    /** An observation whose head carries no time of its own. */
    public static ListObservation untimed(long length, long arrivals) {
        return new ListObservation(length, arrivals, Double.NaN, false, false);
    }
}
