package io.celeryexporter.rehearsal;

import java.util.ArrayList;
import java.util.List;

/**
 * A recorded traffic shape, {@code --traffic-file}: rows of {@code time_s,rate}, the rate (tasks per second) of each
 * row holding from its time until the next row's; the last row's time is where the traffic ends.
 *
 * <pre>
 * time_s,rate
 * 0,10
 * 600,50
 * 1200,0
 * </pre>
 */
public record RateCurve(double[] times, double[] rates) {

    public RateCurve {
        times = times.clone();
        rates = rates.clone();
    }

    /**
     * @param lines the file's lines; a first line that is not numbers is a header
     * @throws IllegalArgumentException naming the line, for anything but increasing times from 0 and rates >= 0
     */
    public static RateCurve parse(List<String> lines) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || i == 0 && !Character.isDigit(line.charAt(0))) {
                continue;
            }
            String[] cells = line.split(",");
            double time;
            double rate;
            try {
                if (cells.length != 2) {
                    throw new NumberFormatException();
                }
                time = Double.parseDouble(cells[0].strip());
                rate = Double.parseDouble(cells[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--traffic-file line " + (i + 1) + " is not time_s,rate: '" + line
                        + "'");
            }
            double before = rows.isEmpty() ? -1 : rows.get(rows.size() - 1)[0];
            if (!(time > before) || !(rate >= 0) || Double.isInfinite(time) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("--traffic-file line " + (i + 1)
                        + ": times must increase from 0 and rates be 0 or more: '" + line + "'");
            }
            rows.add(new double[] {time, rate});
        }
        if (rows.size() < 2 || rows.get(0)[0] != 0) {
            throw new IllegalArgumentException("--traffic-file needs at least two rows, the first at time 0");
        }
        return new RateCurve(rows.stream().mapToDouble(r -> r[0]).toArray(),
                rows.stream().mapToDouble(r -> r[1]).toArray());
    }

    /** The rate at {@code t}: the last row's at or before it. */
    public double rateAt(double t) {
        int i = 0;
        while (i + 1 < times.length && times[i + 1] <= t) {
            i++;
        }
        return rates[i];
    }

    public double peak() {
        double max = 0;
        for (double r : rates) {
            max = Math.max(max, r);
        }
        return max;
    }

    public double duration() {
        return times[times.length - 1];
    }
}
