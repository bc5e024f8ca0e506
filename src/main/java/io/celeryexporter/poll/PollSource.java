package io.celeryexporter.poll;

/** One poll of the broker; {@link Poller} in production, anything that throws in tests. */
@FunctionalInterface
public interface PollSource {

    PollResult poll();
}
