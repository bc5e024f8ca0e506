package io.celeryexporter.broker;

/**
 * One change of a list that Redis announced (a keyspace notification), as received.
 *
 * @param key  the list's name; its bytes as ISO-8859-1 characters, so any byte sequence survives
 * @param kind which end moved, and how
 * @param at   monotonic seconds when the exporter received it
 */
public record ListEvent(String key, Kind kind, double at) {

    /** The list events kombu's commands cause; Redis names them after the command. */
    public enum Kind {
        /** {@code lpush}: a producer published (or a worker rejected with requeue). */
        PUSHED_NEWEST,
        /** {@code rpush}: kombu restored an unacked message, to be consumed next. */
        PUSHED_OLDEST,
        /** {@code rpop}, also from {@code BRPOP}: a worker took the oldest message. */
        POPPED_OLDEST,
        /** {@code lpop}: the newest message taken; not something Celery does. */
        POPPED_NEWEST;

        /** The kind of a notification's event name; null for events that are not one of these. */
        static Kind of(String event) {
            return switch (event) {
                case "lpush" -> PUSHED_NEWEST;
                case "rpush" -> PUSHED_OLDEST;
                case "rpop" -> POPPED_OLDEST;
                case "lpop" -> POPPED_NEWEST;
                default -> null;
            };
        }

        static final String[] EVENT_NAMES = {"lpush", "rpush", "rpop", "lpop"};
    }
}
