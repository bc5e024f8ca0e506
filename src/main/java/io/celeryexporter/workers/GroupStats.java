package io.celeryexporter.workers;

/**
 * One group of workers as the last poll saw it.
 *
 * @param name             the group
 * @param online           workers online (heard from within 2 × their heartbeat interval, not offline)
 * @param executing        tasks they are executing (the heartbeats' {@code active})
 * @param slots            their pool sizes together; -1 where any online worker's is unknown
 * @param started          tasks they started since the exporter started (the heartbeats' {@code processed}),
 *                         workers gone included: a counter
 * @param wentOffline      workers that said {@code worker-offline}, a counter
 * @param heartbeatsMissed workers that stopped sending heartbeats without saying {@code worker-offline} (killed,
 *                         out of memory, a lost node), a counter
 */
public record GroupStats(String name, int online, long executing, long slots, long started, long wentOffline,
                         long heartbeatsMissed) {

    public boolean slotsKnown() {
        return slots >= 0;
    }
}
