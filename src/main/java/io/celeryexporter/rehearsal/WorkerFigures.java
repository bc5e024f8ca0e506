package io.celeryexporter.rehearsal;

/**
 * The workers at one moment, as the exporter learns them from heartbeats and {@code unacked}.
 *
 * @param readyReplicas replicas ready and not shutting down: the online workers
 * @param slots         their slots together
 * @param executing     tasks they execute
 * @param started       tasks started since the rehearsal began (the heartbeats' {@code processed})
 * @param prefetched    tasks received by a live worker and not started: part of the backlog
 * @param orphaned      unacknowledged tasks whose worker was killed: back only after the visibility timeout
 */
public record WorkerFigures(int readyReplicas, long slots, long executing, long started, long prefetched,
                            long orphaned) {}
