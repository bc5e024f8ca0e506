package io.celeryexporter.broker;

import java.util.List;

/**
 * Lists and hash sizes read in one {@code MULTI … EXEC}: no other client ran in between, so the figures agree with
 * each other.
 *
 * @param lists       one reading per probe, in probe order
 * @param hashLengths one {@code HLEN} per requested hash, in request order
 */
public record BrokerSnapshot(List<ListReading> lists, List<Long> hashLengths) {}
