package io.celeryexporter.testing;

import io.celeryexporter.broker.BrokerConnector;
import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.broker.BrokerUrl;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.broker.TlsSettings;
import java.time.Duration;

/** A read-only broker connection for a plain {@code redis://} URL, as the exporter opens it. */
public final class Brokers {

    private Brokers() {}

    public static RedisBroker connect(String url, Duration timeout) {
        return BrokerConnector.connect(new BrokerSettings(BrokerUrl.parse(url), null, TlsSettings.DEFAULT, timeout));
    }
}
