package io.celeryexporter.rehearsal;

/**
 * One second of a rehearsal's timeline: the {@code -o csv} row and a point of the chart.
 *
 * @param backlog  tasks waiting to start: the queue and the live workers' prefetch buffers ({@code
 *                 celery_queue_backlog})
 * @param orphaned unacknowledged tasks whose worker was killed: back only after the visibility timeout
 */
public record Second(int time, int arrivals, int queueLength, double oldestAge, int readyReplicas,
                     int desiredReplicas, long backlog, long orphaned) {}
