package io.celeryexporter.rehearsal;

import java.util.Map;

/**
 * What the exporter serves at one poll, series by series ({@code celery_queue_length},
 * {@code celery_queue_oldest_task_age_seconds}, {@code celery_queue_average_wait_seconds}): a model of its
 * first-seen tracking, or the real exporter reading a real broker.
 */
@FunctionalInterface
public interface ExporterView {

    Map<String, Double> poll(double now);
}
