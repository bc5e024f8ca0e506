package io.celeryexporter.rehearsal;

/**
 * The workers a rehearsal stands in for.
 *
 * @param concurrency       task slots per replica (Celery's --concurrency)
 * @param taskTimes         how long a task holds a slot
 * @param podStartup        seconds from a replica being desired to it taking tasks
 * @param cpuRequestMillis  the replica's CPU request
 * @param cpuPerBusySlot    millicores one busy slot burns: utilization = busy share x slots x this / request
 * @param behaviour         prefetch, acknowledgement and shutdown
 * @param boots             what each new replica adds to {@code podStartup} ({@link Boots#NONE}: nothing)
 */
public record WorkerSettings(int concurrency, TaskTimes taskTimes, double podStartup, double cpuRequestMillis,
                             double cpuPerBusySlot, WorkerBehaviour behaviour, Boots boots) {

    public WorkerSettings(int concurrency, TaskTimes taskTimes, double podStartup, double cpuRequestMillis,
                          double cpuPerBusySlot, WorkerBehaviour behaviour) {
        this(concurrency, taskTimes, podStartup, cpuRequestMillis, cpuPerBusySlot, behaviour, Boots.NONE);
    }

    /** Task times exponential with this mean, or each exactly the mean; the ideal pods. */
    public WorkerSettings(int concurrency, double taskSeconds, boolean exponential, double podStartup,
                          double cpuRequestMillis, double cpuPerBusySlot) {
        this(concurrency, exponential ? new TaskTimes.Exponential(taskSeconds) : new TaskTimes.Fixed(taskSeconds),
                podStartup, cpuRequestMillis, cpuPerBusySlot, WorkerBehaviour.IDEAL);
    }

    /** The mean time a task holds a slot. */
    public double taskSeconds() {
        return taskTimes.mean();
    }

    /** The same workers, each new replica taking its boot longer to start. */
    public WorkerSettings booting(Boots measured) {
        return new WorkerSettings(concurrency, taskTimes, podStartup, cpuRequestMillis, cpuPerBusySlot, behaviour,
                measured);
    }

    public WorkerSettings with(WorkerBehaviour other) {
        return new WorkerSettings(concurrency, taskTimes, podStartup, cpuRequestMillis, cpuPerBusySlot, other, boots);
    }
}
