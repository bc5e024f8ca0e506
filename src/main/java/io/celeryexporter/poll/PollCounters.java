package io.celeryexporter.poll;

import java.util.concurrent.atomic.LongAdder;

/**
 * What polls count besides the queues themselves, written by the poller and read by scrapes.
 *
 * @param malformedEvents Celery events on the celeryev fanout that could not be read, and were skipped
 */
public record PollCounters(UndecodableCounter undecodable, ClockSkewCounter clockSkew, FlowStatus flows,
                           LongAdder malformedEvents) {

    public PollCounters() {
        this(new UndecodableCounter(), new ClockSkewCounter(), new FlowStatus(), new LongAdder());
    }
}
