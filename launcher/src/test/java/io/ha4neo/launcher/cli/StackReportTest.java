package io.ha4neo.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.launcher.status.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report of {@code ./stack status}: both members alike, by name, each with its own applier. */
class StackReportTest {
    @Test
    void endpointsListEveryMemberWithItsBoltPluginMetricsAndApplier() {
        StackState state = StackState.ownedByThisJvm().with(StackCluster.MEMBERS_KEY, "a,b")
                .with("kafka.bootstrap", "127.0.0.1:9092").with("topic", "ha4neo.local.neo4j");
        for (String m : List.of("a", "b")) {
            state.with(StackCluster.key(m, "bolt"), "bolt://127.0.0.1:1" + m.length())
                    .with(StackCluster.key(m, "metrics"), "http://127.0.0.1:2/" + m)
                    .with(StackCluster.key(m, "applierMetrics"), "http://127.0.0.1:3/" + m + "/metrics")
                    .with(StackCluster.key(m, "applierGroup"), StackCluster.applierGroup("ha4neo.local.neo4j", m));
        }

        Map<String, Object> endpoints = StackReport.endpoints(state);

        assertThat(Json.write(endpoints)).startsWith("{\"members\":{\"a\":{\"bolt\":\"bolt://127.0.0.1:11\","
                + "\"metrics\":\"http://127.0.0.1:2/a\",\"applierMetrics\":\"http://127.0.0.1:3/a/metrics\"},\"b\":{");
        assertThat(StackCluster.applierGroups(state)).containsExactly(
                Map.entry("a", "ha4neo-applier-ha4neo.local.neo4j-a"),
                Map.entry("b", "ha4neo-applier-ha4neo.local.neo4j-b"));
    }

    @Test
    void linesShowEachMemberAndWhetherItsPiecesAnswer() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("stateDir", "/s");
        report.put("running", true);
        report.put("phase", "running");
        report.put("endpoints", Map.of("members", Map.of("a", Map.of("bolt", "bolt://x:1", "metrics", "http://x:2",
                "applierMetrics", "http://x:3/metrics")), "kafkaBootstrap", "x:9092", "topic", "t"));
        report.put("reachable", Map.of("a", Map.of("bolt", true, "metrics", true, "applierMetrics", false)));
        report.put("replication", new LinkedHashMap<>(Map.of("primary", "a")));

        assertThat(StackReport.toLines(report)).containsSequence(
                "member a:   bolt://x:1  (answers)",
                "  metrics:  plugin http://x:2  (answers)",
                "            applier http://x:3/metrics  (unavailable)",
                "kafka:      x:9092  topic t");
        assertThat(StackReport.toLines(report)).contains(String.format("  %-30s %s", "primary", "a"));
    }
}
