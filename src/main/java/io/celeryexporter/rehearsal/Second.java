package io.celeryexporter.rehearsal;

/** One second of a rehearsal's timeline: the {@code -o csv} row and a point of the chart. */
public record Second(int time, int arrivals, int queueLength, double oldestAge, int readyReplicas,
                     int desiredReplicas) {}
