package io.celeryexporter.poll;

/** What polls count besides the queues themselves, written by the poller and read by scrapes. */
public record PollCounters(UndecodableCounter undecodable, ClockSkewCounter clockSkew, FlowStatus flows) {

    public PollCounters() {
        this(new UndecodableCounter(), new ClockSkewCounter(), new FlowStatus());
    }
}
