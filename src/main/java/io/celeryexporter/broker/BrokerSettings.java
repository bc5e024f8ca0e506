package io.celeryexporter.broker;

import java.time.Duration;

/**
 * How to reach the broker.
 *
 * @param url            the parsed broker URL
 * @param sentinelMaster the master name Sentinel knows the broker by; required for {@code sentinel://}
 * @param tls            certificate handling for {@code rediss://}
 * @param timeout        connect and read timeout of every command
 */
public record BrokerSettings(BrokerUrl url, String sentinelMaster, TlsSettings tls, Duration timeout) {

    public BrokerSettings {
        if (url.scheme() == BrokerUrl.Scheme.SENTINEL && (sentinelMaster == null || sentinelMaster.isBlank())) {
            throw new InvalidBrokerUrlException("a sentinel:// broker URL needs --sentinel.master-name");
        }
    }
}
