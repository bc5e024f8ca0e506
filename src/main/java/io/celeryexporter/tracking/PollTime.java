package io.celeryexporter.tracking;

/**
 * The moment of one poll on both clocks the exporter reads.
 *
 * @param wallSeconds      Unix time: compared with times written into messages (publish header, ETA), which come
 *                         from a producer's wall clock, and with Prometheus' {@code time()}
 * @param monotonicSeconds seconds on a clock that never steps (arbitrary origin): first-seen times and every age or
 *                         wait derived from them, so an NTP step or a VM resume moves none of them
 */
public record PollTime(double wallSeconds, double monotonicSeconds) {}
