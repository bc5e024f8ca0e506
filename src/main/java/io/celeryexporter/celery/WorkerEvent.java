package io.celeryexporter.celery;

/**
 * One worker event ({@code worker-online}, {@code worker-heartbeat}, {@code worker-offline}) as the exporter needs it.
 *
 * @param type      the event type
 * @param hostname  the worker's node name, e.g. {@code celery@dispatcher-7d9f8c6b5-x2x9q}
 * @param freq      seconds between its heartbeats
 * @param active    tasks it is executing; -1 where the event has none (the {@code heartbeat} remote-control command)
 * @param processed tasks it has started since it started; -1 where the event has none
 * @param info      what it advertises in {@code x_worker_info}; {@link WorkerInfo#UNKNOWN} when nothing
 */
public record WorkerEvent(Type type, String hostname, double freq, long active, long processed, WorkerInfo info) {

    /** Celery's default {@code --heartbeat-interval}. */
    public static final double DEFAULT_FREQ = 2.0;

    public enum Type {
        ONLINE("worker-online"), HEARTBEAT("worker-heartbeat"), OFFLINE("worker-offline");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        static Type of(String wireName) {
            for (Type t : values()) {
                if (t.wireName.equals(wireName)) {
                    return t;
                }
            }
            return null;
        }
    }
}
