package io.celeryexporter.web;

import java.net.InetSocketAddress;

/** A {@code host:port} listen address in the Prometheus exporter convention: {@code :9808} means every interface. */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen address '" + text + "' must be host:port or :port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen address '" + text + "' has no valid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen address port " + port + " is outside 0..65535");
        }
        return new ListenAddress(host, port);
    }

    public InetSocketAddress toSocketAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
