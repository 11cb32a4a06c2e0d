package io.ha4neo.topology.status;

import java.util.Optional;

/** Reads one sample from Prometheus' text exposition format. Pure. */
final class PrometheusText {
    private PrometheusText() {
    }

    /** The value of the first sample of metric {@code name} (any labels), if present and numeric. */
    static Optional<Double> firstValue(String body, String name) {
        return body.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(PrometheusText::value)
                .flatMap(Optional::stream)
                .findFirst();
    }

    /**
     * The largest finite value among the samples of metric {@code name} that carry {@code label="value"} (one per
     * partition, say), if any.
     */
    static Optional<Double> largestWithLabel(String body, String name, String label, String value) {
        String selector = label + "=\"" + value + "\"";
        return body.lines()
                .filter(line -> line.startsWith(name + "{") && line.substring(0, line.indexOf('}') + 1)
                        .contains(selector))
                .map(PrometheusText::value)
                .flatMap(Optional::stream)
                .filter(Double::isFinite)
                .max(Double::compare);
    }

    private static Optional<Double> value(String line) {
        // "name{labels} value [timestamp]": the value follows the closing brace or the name.
        int start = line.indexOf('}') >= 0 ? line.indexOf('}') + 1 : line.indexOf(' ');
        String[] parts = line.substring(start).trim().split("\\s+");
        try {
            return Optional.of(Double.parseDouble(parts[0]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
