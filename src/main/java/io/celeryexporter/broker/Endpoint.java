package io.celeryexporter.broker;

/** A host and port of a Redis server or Sentinel. */
public record Endpoint(String host, int port) {

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
