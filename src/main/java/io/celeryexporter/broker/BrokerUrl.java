package io.celeryexporter.broker;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Celery broker URL in one of the forms Celery itself accepts:
 * <ul>
 *   <li>{@code redis://[user[:password]@]host[:port][/db]}, port 6379 by default;</li>
 *   <li>{@code rediss://…} for TLS, with Celery's {@code ssl_cert_reqs}, {@code ssl_ca_certs}, {@code ssl_certfile}
 *       and {@code ssl_keyfile} query parameters;</li>
 *   <li>{@code sentinel://[:password@]h1:26379[/db];sentinel://h2:26379}, port 26379 by default.</li>
 * </ul>
 * Like Python's {@code urllib}, the user info ends at the last {@code @} and is percent-decoded.
 * {@link #toString()} masks the password.
 */
public record BrokerUrl(Scheme scheme, List<Endpoint> endpoints, String user, String password, int database,
                        Map<String, String> query) {

    public enum Scheme { REDIS, REDISS, SENTINEL }

    public BrokerUrl {
        endpoints = List.copyOf(endpoints);
        query = Map.copyOf(query);
    }

    public static BrokerUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidBrokerUrlException("the broker URL is empty: pass --broker.url or set CELERY_BROKER_URL");
        }
        String trimmed = text.trim();
        if (trimmed.startsWith("sentinel://")) {
            return parseSentinel(trimmed);
        }
        Part part = parsePart(trimmed);
        return new BrokerUrl(part.scheme, List.of(part.endpoint), part.user, part.password, part.database, part.query);
    }

    private static BrokerUrl parseSentinel(String text) {
        List<Endpoint> endpoints = new ArrayList<>();
        String user = null;
        String password = null;
        int database = 0;
        Map<String, String> query = Map.of();
        for (String piece : text.split(";")) {
            if (piece.isBlank()) {
                continue;
            }
            Part part = parsePart(piece.trim());
            if (part.scheme != Scheme.SENTINEL) {
                throw new InvalidBrokerUrlException("every part of a sentinel URL must start with sentinel://, found "
                        + schemeOf(piece));
            }
            endpoints.add(part.endpoint);
            user = user != null ? user : part.user;
            password = password != null ? password : part.password;
            database = part.hasDatabase ? part.database : database;
            query = part.query.isEmpty() ? query : part.query;
        }
        return new BrokerUrl(Scheme.SENTINEL, endpoints, user, password, database, query);
    }

    private record Part(Scheme scheme, Endpoint endpoint, String user, String password, int database,
                        boolean hasDatabase, Map<String, String> query) {}

    private static Part parsePart(String text) {
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw new InvalidBrokerUrlException("the broker URL has no scheme: expected redis://, rediss:// or"
                    + " sentinel://");
        }
        Scheme scheme = switch (text.substring(0, schemeEnd).toLowerCase()) {
            case "redis" -> Scheme.REDIS;
            case "rediss" -> Scheme.REDISS;
            case "sentinel" -> Scheme.SENTINEL;
            default -> throw new InvalidBrokerUrlException("unsupported broker URL scheme '" + schemeOf(text)
                    + "': this exporter reads redis://, rediss:// and sentinel:// brokers");
        };
        String rest = text.substring(schemeEnd + 3);
        Map<String, String> query = new LinkedHashMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            parseQuery(rest.substring(q + 1), query);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String netloc = slash >= 0 ? rest.substring(0, slash) : rest;
        String path = slash >= 0 ? rest.substring(slash + 1) : "";

        String user = null;
        String password = null;
        int at = netloc.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = netloc.substring(0, at);
            netloc = netloc.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = emptyToNull(decode(userInfo.substring(0, colon)));
                password = emptyToNull(decode(userInfo.substring(colon + 1)));
            } else {
                // Celery and redis-py treat a lone user-info part as the password, as in redis://secret@host
                password = emptyToNull(decode(userInfo));
            }
        }
        Endpoint endpoint = parseHostPort(netloc, scheme == Scheme.SENTINEL ? 26379 : 6379);
        boolean hasDatabase = !path.isEmpty();
        int database = hasDatabase ? parseDatabase(path) : 0;
        return new Part(scheme, endpoint, user, password, database, hasDatabase, query);
    }

    private static Endpoint parseHostPort(String netloc, int defaultPort) {
        String host;
        String port = null;
        if (netloc.startsWith("[")) {
            int close = netloc.indexOf(']');
            if (close < 0) {
                throw new InvalidBrokerUrlException("the broker URL has an unclosed IPv6 address");
            }
            host = netloc.substring(1, close);
            String after = netloc.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new InvalidBrokerUrlException("the broker URL has text after the IPv6 address");
            }
        } else {
            int colon = netloc.lastIndexOf(':');
            host = colon >= 0 ? netloc.substring(0, colon) : netloc;
            port = colon >= 0 ? netloc.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        return new Endpoint(host, port == null || port.isEmpty() ? defaultPort : parsePort(port));
    }

    private static int parsePort(String port) {
        try {
            int value = Integer.parseInt(port);
            if (value < 1 || value > 65535) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            // never echo the value: with a stray '@' or '/' in a password, the "port" may be part of it
            throw new InvalidBrokerUrlException("the broker URL port is not a number from 1 to 65535"
                    + " (percent-encode special characters in the password, e.g. / as %2F)");
        }
    }

    private static int parseDatabase(String path) {
        String db = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        try {
            int value = Integer.parseInt(db);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidBrokerUrlException("the broker URL database path is not a number such as /0"
                    + " (percent-encode special characters in the password, e.g. / as %2F)");
        }
    }

    private static void parseQuery(String query, Map<String, String> into) {
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            into.put(key, eq >= 0 ? decode(pair.substring(eq + 1)) : "");
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidBrokerUrlException("the broker URL has a malformed %-escape");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String schemeOf(String text) {
        int end = text.indexOf("://");
        return end >= 0 ? text.substring(0, end) : "(none)";
    }

    /** The URL with the password masked: safe for logs, {@code --help} and the landing page. */
    public String redacted() {
        String lower = scheme.name().toLowerCase();
        StringBuilder out = new StringBuilder();
        for (Endpoint endpoint : endpoints) {
            if (out.length() > 0) {
                out.append(';');
            }
            out.append(lower).append("://");
            if (user != null || password != null) {
                out.append(user == null ? "" : user);
                out.append(password == null ? "" : ":****");
                out.append('@');
            }
            out.append(endpoint).append('/').append(database);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return redacted();
    }
}
