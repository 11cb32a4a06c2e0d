package io.ha4neo.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reading of the applier's Prometheus {@code /metrics} (text format), as series name with labels → value, and
 * quantiles of a classic histogram between two readings (linear interpolation inside a bucket, like PromQL's
 * {@code histogram_quantile}).
 */
final class MetricsScrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Double> series;

    private MetricsScrape(Map<String, Double> series) {
        this.series = series;
    }

    /** An empty reading: every series is 0 (an applier that has not started yet). */
    static MetricsScrape empty() {
        return new MetricsScrape(Map.of());
    }

    /** Reads {@code <baseUrl>/metrics}; throws when the endpoint does not answer. */
    static MetricsScrape of(String baseUrl) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build();
            return parse(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + baseUrl + "/metrics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + baseUrl + "/metrics", e);
        }
    }

    static MetricsScrape parse(String text) {
        Map<String, Double> s = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.isBlank() || line.startsWith("#") || space < 0) {
                continue;
            }
            s.put(line.substring(0, space).trim(), number(line.substring(space + 1).trim()));
        }
        return new MetricsScrape(s);
    }

    /** A sample value of the text format: a Java double, or {@code +Inf}, {@code -Inf}, {@code NaN}. */
    private static double number(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /**
     * The series of metric {@code name} (exactly that name, any labels) whose labels include
     * {@code label="value"}, as series key → value, in the order exposed.
     */
    Map<String, Double> withLabel(String name, String label, String value) {
        Map<String, Double> found = new LinkedHashMap<>();
        String labelText = label + "=\"" + value + "\"";
        series.forEach((key, v) -> {
            if (key.startsWith(name + "{") && (key.contains("{" + labelText) || key.contains("," + labelText))) {
                found.put(key, v);
            }
        });
        return found;
    }

    /** The value of a series (name plus labels exactly as exposed), 0 when absent. */
    double value(String nameWithLabels) {
        return series.getOrDefault(nameWithLabels, 0.0);
    }

    /**
     * The {@code q} quantile of histogram {@code name} over the observations made between {@code before} and
     * {@code after}, in the histogram's unit; NaN without observations.
     */
    static double quantile(MetricsScrape before, MetricsScrape after, String name, double q) {
        List<Bucket> buckets = after.buckets(name);
        double total = after.value(name + "_count") - before.value(name + "_count");
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Bucket bucket : buckets) {
            double cumulative = after.value(bucket.key()) - before.value(bucket.key());
            if (cumulative >= rank) {
                return Double.isInfinite(bucket.le()) ? lower
                        : lower + (bucket.le() - lower) * (rank - below) / Math.max(1e-12, cumulative - below);
            }
            lower = bucket.le();
            below = cumulative;
        }
        return lower;
    }

    /** Mean of a histogram between two readings (sum ÷ count deltas). */
    static double mean(MetricsScrape before, MetricsScrape after, String name) {
        double count = after.value(name + "_count") - before.value(name + "_count");
        return count <= 0 ? Double.NaN : (after.value(name + "_sum") - before.value(name + "_sum")) / count;
    }

    /** Increase of a series between two readings. */
    static double delta(MetricsScrape before, MetricsScrape after, String nameWithLabels) {
        return after.value(nameWithLabels) - before.value(nameWithLabels);
    }

    /** Every bucket of {@code name}, ascending by upper bound. */
    private List<Bucket> buckets(String name) {
        List<Bucket> result = new ArrayList<>();
        String prefix = name + "_bucket{le=\"";
        for (String key : series.keySet()) {
            if (key.startsWith(prefix)) {
                String le = key.substring(prefix.length(), key.indexOf('"', prefix.length()));
                result.add(new Bucket("+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le), key));
            }
        }
        result.sort((a, b) -> Double.compare(a.le(), b.le()));
        return result;
    }

    /** One classic-histogram bucket: upper bound and the exposed series key. */
    private record Bucket(double le, String key) {
    }
}
