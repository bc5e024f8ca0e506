package io.celeryexporter.poll;

import io.celeryexporter.broker.ListEvent;
import java.util.List;

/**
 * One list's events since it was last observed, bracketing the snapshot that reads it.
 *
 * @param events  oldest first
 * @param certain how many of them were received before the snapshot was sent, so happened before it; the rest
 *                were received after, and happened before or after it
 * @param synced  every event that happened before the snapshot is among them (the subscription answered a PING sent
 *                after the snapshot)
 * @param epoch   the subscription's epoch then: equal epochs at two observations mean no event was lost in between
 */
record PendingEvents(List<ListEvent> events, int certain, boolean synced, long epoch) {}
