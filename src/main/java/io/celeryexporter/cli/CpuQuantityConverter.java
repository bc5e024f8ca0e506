package io.celeryexporter.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A CPU quantity as Kubernetes writes it, in millicores: {@code 100m}, {@code 0.5} (500m), {@code 2} (2000m). */
final class CpuQuantityConverter implements ITypeConverter<Double> {

    @Override
    public Double convert(String value) {
        String v = value.strip();
        try {
            double millicores = v.endsWith("m") ? Double.parseDouble(v.substring(0, v.length() - 1))
                    : Double.parseDouble(v) * 1000;
            if (millicores > 0 && !Double.isInfinite(millicores)) {
                return millicores;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException("'" + value + "' is not a CPU quantity such as 100m, 0.5 or 2");
    }
}
