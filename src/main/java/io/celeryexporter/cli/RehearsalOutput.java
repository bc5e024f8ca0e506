package io.celeryexporter.cli;

import io.celeryexporter.rehearsal.Replay;
import io.celeryexporter.rehearsal.Second;
import io.celeryexporter.rehearsal.Summary;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/** How {@code rehearse} prints: a table for people, JSON and CSV for scripts. */
final class RehearsalOutput {

    /** One run of a sweep. */
    record SweepRow(double target, Summary summary) {}

    private RehearsalOutput() {}

    static void replay(PrintWriter out, List<Replay.Row> rows) {
        out.println("time_s,current_replicas,desired_replicas");
        rows.forEach(r -> out.println(r.time() + "," + r.current() + "," + r.desired()));
    }

    static void timeline(PrintWriter out, List<Second> timeline) {
        out.println("time_s,arrivals,queue_length,oldest_age_seconds,ready_replicas,desired_replicas,backlog,"
                + "orphaned");
        for (Second s : timeline) {
            out.println(s.time() + "," + s.arrivals() + "," + s.queueLength() + "," + number(s.oldestAge()) + ","
                    + s.readyReplicas() + "," + s.desiredReplicas() + "," + s.backlog() + "," + s.orphaned());
        }
    }

    static String json(Summary summary) {
        StringBuilder out = new StringBuilder("{");
        Object[][] fields = summary.fields();
        for (int i = 0; i < fields.length; i++) {
            out.append(i == 0 ? "" : ", ").append('"').append(fields[i][0]).append("\": ")
                    .append(jsonValue(fields[i][1]));
        }
        return out.append('}').toString();
    }

    static void table(PrintWriter out, String name, Summary summary) {
        out.println("rehearsal of " + name);
        for (Object[] field : summary.fields()) {
            Object value = field[1] instanceof Double d ? (d.isNaN() ? "n/a" : number(d)) : field[1];
            out.printf(Locale.ROOT, "  %-24s %s%n", field[0], value);
        }
    }

    static void sweep(PrintWriter out, String format, String metric, List<SweepRow> rows, Double sloSeconds) {
        SweepRow best = null;
        if (sloSeconds != null) {
            for (SweepRow r : rows) {
                boolean meets = r.summary().p95OldestAgeSeconds() <= sloSeconds
                        && r.summary().completed() == r.summary().arrived();
                if (meets && (best == null || r.summary().replicaHours() < best.summary().replicaHours())) {
                    best = r;
                }
            }
        }
        if (format.equals("json")) {
            out.print("[");
            for (int i = 0; i < rows.size(); i++) {
                SweepRow r = rows.get(i);
                out.print((i == 0 ? "" : ", ") + "{\"target\": " + jsonValue(r.target()) + ", \"recommended\": "
                        + (r == best) + ", \"summary\": " + json(r.summary()) + "}");
            }
            out.println("]");
            return;
        }
        out.printf(Locale.ROOT, "%-10s %10s %12s %12s %9s %13s %9s%n", metric.length() > 10 ? "target" : metric,
                "max_queue", "p95_age_s", "max_age_s", "max_reps", "replica_h", "reversals");
        for (SweepRow r : rows) {
            Summary s = r.summary();
            out.printf(Locale.ROOT, "%-10s %10d %12.1f %12.1f %9d %13.3f %9d%s%n", number(r.target()),
                    s.maxQueueLength(), s.p95OldestAgeSeconds(), s.maxOldestAgeSeconds(), s.maxReplicas(),
                    s.replicaHours(), s.scaleReversals(), r == best ? "   <- recommended: cheapest within the SLO" : "");
        }
        if (sloSeconds != null && best == null) {
            out.println("no target met the SLO (p95 oldest age <= " + number(sloSeconds) + " s, every task done)");
        }
    }

    private static String jsonValue(Object v) {
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "null" : number(d);
        }
        return String.valueOf(v);
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
