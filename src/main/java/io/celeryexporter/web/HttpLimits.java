package io.celeryexporter.web;

import java.time.Duration;

/**
 * What the HTTP server allows one client, so that slow or hostile clients cannot keep a scrape from answering.
 *
 * @param readTimeout    a connection that sends nothing for this long, mid-request or between requests, is closed
 *                       ({@code --web.read-timeout})
 * @param maxHeaderBytes request line and headers together; larger requests get 431
 * @param maxHeaders     header lines per request; more get 431
 */
public record HttpLimits(Duration readTimeout, int maxHeaderBytes, int maxHeaders) {

    public static final HttpLimits DEFAULT = new HttpLimits(Duration.ofSeconds(30), 8 * 1024, 100);

    public HttpLimits {
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("--web.read-timeout must be positive");
        }
    }
}
