package io.celeryexporter.web;

import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.workers.GroupStats;
import io.celeryexporter.workers.HeldSplit;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The small HTML page at {@code /}: what this is, the broker (password masked), each queue's figures, and links. */
public final class LandingPage {

    private final ExporterState state;
    private final String version;
    private final String redactedBroker;
    private final String telemetryPath;

    /** @param telemetryPath where the metrics are served, linked from the page */
    public LandingPage(ExporterState state, String version, String redactedBroker, String telemetryPath) {
        this.state = state;
        this.version = version;
        this.redactedBroker = redactedBroker;
        this.telemetryPath = telemetryPath;
    }

    public String render() {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Celery queue exporter</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}</style></head><body>")
                .append("<h1>Celery queue exporter</h1>")
                .append("<p>Version ").append(escape(version)).append(" &middot; broker <code>")
                .append(escape(redactedBroker)).append("</code> &middot; broker ")
                .append(state.brokerUp() ? "up" : "<b>down</b>");
        state.lastError().ifPresent(e -> html.append(" (").append(escape(e)).append(')'));
        html.append("</p>");
        Optional<PollResult> fresh = state.fresh();
        if (fresh.isEmpty()) {
            html.append("<p>No fresh poll of the broker: queue figures are withheld.</p>");
        } else {
            html.append("<table><tr><th>Queue</th><th>Length</th><th>By priority</th><th>Reserved</th>")
                    .append("<th>Scheduled</th><th>Oldest age (s)</th><th>Average wait (s)</th>")
                    .append("<th>Enqueued</th><th>Dequeued</th></tr>");
            for (QueueStats q : fresh.get().queues()) {
                html.append("<tr><td>").append(escape(q.name())).append("</td><td>").append(q.length())
                        .append("</td><td>").append(escape(nonZeroSteps(q))).append("</td><td>")
                        .append(q.reserved()).append("</td><td>").append(q.scheduled()).append("</td><td>")
                        .append(q.waiting().ageIsLowerBound() ? "&ge; " : "")
                        .append(String.format(Locale.ROOT, "%.1f", q.waiting().oldestAge())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.1f", q.waiting().averageWait())).append("</td><td>")
                        .append(q.waiting().countsExact() ? "" : "&ge; ").append(q.waiting().enqueued())
                        .append("</td><td>").append(q.waiting().countsExact() ? "" : "&ge; ")
                        .append(q.waiting().dequeued()).append("</td></tr>");
            }
            html.append("</table>");
            appendWorkers(html, fresh.get());
            boolean exact = !fresh.get().queues().isEmpty()
                    && fresh.get().queues().stream().allMatch(q -> q.waiting().countsExact());
            html.append(exact ? "<p>Arrivals, departures and waits are counted exactly, from Redis keyspace"
                    + " notifications.</p>" : "<p>&ge; marks a lower bound. Arrivals, departures and waits come from"
                    + " polls, which miss the tasks that come and go between two of them: most of a healthy queue's"
                    + " flow. Switch on keyspace notifications (<code>notify-keyspace-events El</code>) for exact"
                    + " counts; see the README, &ldquo;Exact counts&rdquo;.</p>");
        }
        html.append("<p><a href=\"").append(escape(telemetryPath.substring(1))).append("\">Metrics</a> &middot; ")
                .append("<a href=\"-/healthy\">Health</a> &middot; ")
                .append("<a href=\"-/ready\">Readiness</a></p></body></html>\n");
        return html.toString();
    }

    /** What the workers hold of each queue, and each group of workers; nothing with the worker side off. */
    private static void appendWorkers(StringBuilder html, PollResult result) {
        if (result.queues().isEmpty() || result.queues().get(0).held() == null) {
            return;
        }
        html.append("<h2>What the workers hold</h2><table><tr><th>Queue</th><th>Backlog</th><th>Prefetched</th>")
                .append("<th>Running</th><th>Orphaned</th><th>Overdue</th><th>Attribution</th></tr>");
        for (QueueStats q : result.queues()) {
            HeldSplit h = q.held();
            boolean exact = h.tier() == HeldSplit.Tier.EXACT || h.tier() == HeldSplit.Tier.CERTAIN;
            html.append("<tr><td>").append(escape(q.name())).append("</td><td>").append(exact ? "" : "&le; ")
                    .append(q.backlog()).append("</td><td>").append(h.prefetched()).append("</td><td>")
                    .append(h.running()).append("</td><td>").append(exact ? "" : "&ge; ").append(h.orphaned())
                    .append("</td><td>").append(h.overdue()).append("</td><td>").append(h.tier().label())
                    .append("</td></tr>");
        }
        html.append("</table><h2>Workers</h2>");
        if (result.workers().groups().isEmpty()) {
            html.append("<p>No worker heard from: none online, none sends heartbeats, or the exporter may not")
                    .append(" subscribe to the celeryev channels.</p>");
            return;
        }
        html.append("<table><tr><th>Group</th><th>Online</th><th>Executing</th><th>Slots</th>")
                .append("<th>Started</th></tr>");
        for (GroupStats g : result.workers().groups()) {
            html.append("<tr><td>").append(escape(g.name())).append("</td><td>").append(g.online())
                    .append("</td><td>").append(g.executing()).append("</td><td>")
                    .append(g.slotsKnown() ? String.valueOf(g.slots()) : "?").append("</td><td>")
                    .append(g.started()).append("</td></tr>");
        }
        html.append("</table>");
    }

    private static String nonZeroSteps(QueueStats q) {
        String steps = q.nonEmptyPriorities().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
        return steps.isEmpty() ? "-" : steps;
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
