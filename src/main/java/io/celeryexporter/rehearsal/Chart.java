package io.celeryexporter.rehearsal;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * An SVG of a rehearsal: queue length (with the backlog and orphaned tasks when workers hold some), oldest age and
 * replicas over time, in three panels on one time axis.
 */
public final class Chart {

    private static final int WIDTH = 900;
    private static final int PANEL = 160;
    private static final int LEFT = 70;
    private static final int TOP = 56;
    private static final int GAP = 40;

    private Chart() {}

    public static String svg(String title, List<Second> timeline) {
        int plotWidth = WIDTH - LEFT - 20;
        int height = TOP + 3 * PANEL + 3 * GAP;
        double seconds = Math.max(1, timeline.get(timeline.size() - 1).time());
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT,
                escape(title)));
        boolean held = timeline.stream().anyMatch(s -> s.backlog() != s.queueLength() || s.orphaned() > 0);
        panel(out, 0, held ? "tasks" : "queue length (tasks)", timeline, seconds, plotWidth, held
                ? new Series[] {new Series("queue", "#1f77b4", s -> s.queueLength()),
                    new Series("backlog", "#9467bd", s -> s.backlog()),
                    new Series("orphaned", "#8c564b", s -> s.orphaned())}
                : new Series[] {new Series("queue length", "#1f77b4", s -> s.queueLength())});
        panel(out, 1, "oldest task age (s)", timeline, seconds, plotWidth, new Series[] {
            new Series("oldest age", "#d62728", Second::oldestAge)});
        panel(out, 2, "replicas", timeline, seconds, plotWidth, new Series[] {
            new Series("desired", "#ff7f0e", s -> s.desiredReplicas()),
            new Series("ready", "#2ca02c", s -> s.readyReplicas())});
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">time (s)</text>%n", LEFT + plotWidth / 2,
                height - 8));
        return out.append("</svg>\n").toString();
    }

    private record Series(String label, String color, ToDoubleFunction<Second> value) {}

    private static void panel(StringBuilder out, int index, String label, List<Second> timeline, double seconds,
                              int plotWidth, Series[] series) {
        int top = TOP + index * (PANEL + GAP);
        double max = 1;
        for (Series s : series) {
            max = Math.max(max, timeline.stream().mapToDouble(s.value()).max().orElse(0));
        }
        max = niceCeiling(max);
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT, top - 6, label));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>%n", LEFT, top, plotWidth, PANEL));
        for (int tick = 0; tick <= 4; tick++) {
            double v = max * tick / 4;
            double y = top + PANEL - PANEL * tick / 4.0;
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, y + 4, format(v)));
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, LEFT + plotWidth, y, y));
        }
        double step = niceCeiling(seconds / 6);
        for (double t = 0; t <= seconds; t += step) {
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    LEFT + plotWidth * t / seconds, top + PANEL + 14, t));
        }
        int legendX = LEFT + plotWidth - 80 * series.length;
        for (int i = 0; i < series.length; i++) {
            Series s = series[i];
            StringBuilder points = new StringBuilder();
            for (Second second : timeline) {
                double x = LEFT + plotWidth * second.time() / seconds;
                double y = top + PANEL - PANEL * s.value().applyAsDouble(second) / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
                    + " points=\"%s\"/>%n", s.color(), points.toString().trim()));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                    legendX + i * 80, top + 14, s.color(), s.label()));
        }
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
