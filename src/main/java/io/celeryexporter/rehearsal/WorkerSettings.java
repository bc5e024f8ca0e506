package io.celeryexporter.rehearsal;

/**
 * The workers a rehearsal stands in for.
 *
 * @param concurrency       task slots per replica (Celery's --concurrency)
 * @param taskSeconds       mean time a task holds a slot
 * @param exponential       service times drawn from an exponential distribution (else each exactly the mean)
 * @param podStartup        seconds from a replica being desired to it taking tasks
 * @param cpuRequestMillis  the replica's CPU request
 * @param cpuPerBusySlot    millicores one busy slot burns: utilization = busy share x slots x this / request
 */
public record WorkerSettings(int concurrency, double taskSeconds, boolean exponential, double podStartup,
                             double cpuRequestMillis, double cpuPerBusySlot) {}
