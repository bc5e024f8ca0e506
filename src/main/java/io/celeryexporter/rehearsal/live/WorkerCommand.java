package io.celeryexporter.rehearsal.live;

import java.nio.file.Path;

/**
 * Real Celery workers standing in for the Deployment's pods ({@code rehearse --live --worker-command}).
 *
 * @param command          the worker command, run by {@code sh -c} in the current directory, e.g.
 *                         {@code celery -A myapp worker -Q evaluation -c 4 -E}
 * @param brokerUrl        given to each worker in {@code CELERY_BROKER_URL}
 * @param concurrency      slots per worker, as its command sets them
 * @param podStartup       seconds from a replica being desired to its process starting
 * @param terminationGrace seconds from SIGTERM to SIGKILL
 * @param visibilityTimeout the workers' kombu visibility_timeout, seconds, for the exporter's overdue count
 * @param readyTimeout     seconds a started process has to come online (its first heartbeat on the broker)
 * @param logDir           where each worker's output goes
 */
public record WorkerCommand(String command, String brokerUrl, int concurrency, double podStartup,
                            double terminationGrace, double visibilityTimeout, double readyTimeout, Path logDir) {}
