package io.celeryexporter.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads raw samples from a Prometheus server's HTTP API: a range-vector selector evaluated at the end of the range
 * returns every stored sample in it, at the scrape resolution, with resets and gaps as they are.
 */
public final class PrometheusSamples {

    /** Prometheus did not answer: down, wrong address, or refused the connection. */
    public static final class UnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @throws IllegalArgumentException for a URL that is not http(s)://host[:port][/path] */
    public PrometheusSamples(String url) {
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http:// or https:// URL of a Prometheus server");
        }
        this.base = uri;
    }

    /** The label matcher for one queue, {@code {queue_name="..."}}, its name escaped for PromQL. */
    public static String queueMatcher(String queue) {
        return "{queue_name=\"" + queue.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    /** Every series of {@code selector} with its samples in (start, end], in time order. */
    public List<List<RecordedArrivals.Sample>> samples(String selector, double start, double end) {
        JsonNode result = query(selector + "[" + (long) Math.ceil(end - start) + "s]", end);
        List<List<RecordedArrivals.Sample>> series = new ArrayList<>();
        for (JsonNode s : result) {
            List<RecordedArrivals.Sample> samples = new ArrayList<>();
            for (JsonNode v : s.path("values")) {
                samples.add(new RecordedArrivals.Sample(v.get(0).asDouble(), Double.parseDouble(v.get(1).asText())));
            }
            series.add(samples);
        }
        return series;
    }

    /** The value of an instant query that returns one element; NaN when it returns none. */
    public double instant(String expr, double time) {
        JsonNode result = query(expr, time);
        if (result.size() > 1) {
            throw new IllegalArgumentException(expr + " returned " + result.size() + " elements, not one");
        }
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** The smallest value of an instant expression over the range, or NaN when it has no data. */
    public double minOverRange(String expr, double start, double end) {
        JsonNode result = query("min(min_over_time((" + expr + ")[" + (long) Math.ceil(end - start) + "s:]))", end);
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private JsonNode query(String promql, double time) {
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + String.format(Locale.ROOT, "%.3f", time));
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnreachableException("cannot reach Prometheus at " + base + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while asking Prometheus at " + base, e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalArgumentException(base + " answered HTTP " + response.statusCode()
                    + " with no Prometheus API response: is it a Prometheus server?");
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException("Prometheus refused the query " + promql + ": "
                    + body.path("error").asText("HTTP " + response.statusCode()));
        }
        return body.path("data").path("result");
    }
}
