package io.celeryexporter.workers;

/**
 * A straight line fitted by weighted least squares: y = level + slope × (x − center), where center is the weighted
 * mean of the x values.
 */
record WeightedLine(double center, double level, double slope) {

    /**
     * @param x       at least two distinct values
     * @param y       as many as x
     * @param weights as many as x, positive
     * @throws IllegalArgumentException with fewer than two distinct x values: no slope to fit
     */
    static WeightedLine fit(double[] x, double[] y, double[] weights) {
        double w = 0;
        double wx = 0;
        double wy = 0;
        for (int i = 0; i < x.length; i++) {
            w += weights[i];
            wx += weights[i] * x[i];
            wy += weights[i] * y[i];
        }
        double center = wx / w;
        double level = wy / w;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - center;
            sxx += weights[i] * dx * dx;
            sxy += weights[i] * dx * (y[i] - level);
        }
        if (!(sxx > 0)) {
            throw new IllegalArgumentException("a line needs two distinct x values");
        }
        return new WeightedLine(center, level, sxy / sxx);
    }

    double at(double x) {
        return level + slope * (x - center);
    }
}
