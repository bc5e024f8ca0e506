package io.celeryexporter.rehearsal;

/** A task of the rehearsal's traffic: its id (the Celery task id, live) and when it arrived, seconds from the start. */
public record QueuedTask(String id, double arrival) {}
