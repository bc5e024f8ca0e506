package io.celeryexporter.rehearsal.live;

/** A real worker process could not stand in for a pod: it exited, never came online, or cannot run the task. */
public final class WorkerFailedException extends RuntimeException {

    public WorkerFailedException(String message) {
        super(message);
    }
}
