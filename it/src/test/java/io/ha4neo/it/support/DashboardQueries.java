package io.ha4neo.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics a Grafana dashboard queries: every {@code expr} of every panel's targets, also of panels nested in
 * rows, reduced to the {@code ha4neo_*} series names they select (a histogram's {@code _bucket} included as written).
 * Pure: the ITs compare the result with what the real processes expose.
 *
 * <pre>{@code
 * SortedSet<String> names = DashboardQueries.metricNames(projectDir.resolve(DashboardQueries.DASHBOARD));
 * boolean shown = DashboardQueries.exposes(metricsText, "ha4neo_applier_lag_seconds");
 * }</pre>
 */
public final class DashboardQueries {
    /** The shipped dashboard, relative to the project directory. */
    public static final Path DASHBOARD = Path.of("docker", "grafana", "dashboards", "ha4neo-replication.json");

    /** String literals of PromQL: label values and regexes, which may contain anything, even a metric's name. */
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    /** Label matchers, {@code {role="primary"}}, once their strings are gone. */
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    /** Label names of grouping and vector matching: {@code by (le, member)}, {@code on (member)}, .... */
    private static final Pattern LABEL_LISTS = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /**
     * A whole PromQL identifier that starts with {@code ha4neo_}: a recording rule's {@code ha4neo_x:rate5m} is
     * taken whole (no process exposes it), never cut to {@code ha4neo_x}.
     */
    private static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_:])ha4neo_[A-Za-z0-9_:]*");

    private DashboardQueries() {
    }

    /** The metric names queried by the dashboard in {@code file}. */
    public static SortedSet<String> metricNames(Path file) throws IOException {
        return metricNames(new ObjectMapper().readTree(file.toFile()));
    }

    /** The metric names queried by every expression of {@code dashboard}. */
    public static SortedSet<String> metricNames(JsonNode dashboard) {
        SortedSet<String> names = new TreeSet<>();
        expressions(dashboard).forEach(e -> names.addAll(metricNamesOf(e)));
        return names;
    }

    /** Every {@code targets[].expr} of the dashboard's panels, depth first, rows' nested panels included. */
    public static List<String> expressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        collect(dashboard.path("panels"), exprs);
        return exprs;
    }

    private static void collect(JsonNode panels, List<String> exprs) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    exprs.add(target.get("expr").asText());
                }
            }
            collect(panel.path("panels"), exprs);
        }
    }

    /**
     * The {@code ha4neo_*} metric names one PromQL expression selects. Strings go first (a label value may hold a
     * brace or a metric's name), then label matchers and grouping label lists; a name given only as
     * {@code {__name__="..."}} is therefore not seen.
     */
    public static SortedSet<String> metricNamesOf(String expr) {
        String bare = LABEL_LISTS.matcher(MATCHERS.matcher(STRING.matcher(expr).replaceAll("\"\""))
                .replaceAll("")).replaceAll(" ");
        SortedSet<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(bare);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /**
     * True when the Prometheus text exposition {@code metricsText} has a sample of {@code name}: a line starting with
     * the name and then {@code {} or a space ({@code # HELP} and {@code # TYPE} lines are not samples).
     */
    public static boolean exposes(String metricsText, String name) {
        return metricsText.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }
}
