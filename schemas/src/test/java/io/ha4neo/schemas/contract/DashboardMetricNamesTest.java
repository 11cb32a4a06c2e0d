package io.ha4neo.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped Grafana dashboard may only query metrics that the contract declares. */
class DashboardMetricNamesTest {
    private static final Path DASHBOARDS = Path.of("..", "docker", "grafana", "dashboards");

    @Test
    void everyMetricTheDashboardQueriesIsDeclared() throws IOException {
        Set<String> declared = new HashSet<>(MetricNames.PLUGIN);
        declared.addAll(MetricNames.APPLIER);
        Set<String> queried = new TreeSet<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                Matcher m = Pattern.compile("ha4neo_[a-z_]+").matcher(Files.readString(f));
                while (m.find()) {
                    queried.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
                }
            }
        }
        assertThat(queried).isNotEmpty();
        assertThat(declared).containsAll(queried);
    }
}
