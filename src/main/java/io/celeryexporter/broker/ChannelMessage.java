package io.celeryexporter.broker;

/**
 * One pub/sub message as received.
 *
 * @param at monotonic seconds when the exporter received it
 */
public record ChannelMessage(byte[] channel, byte[] message, double at) {}
