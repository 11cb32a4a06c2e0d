package io.ha4neo.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DashboardQueriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void collectsTheExpressionsOfEveryPanelTargetAlsoInsideCollapsedRows() throws Exception {
        JsonNode dashboard = JSON.readTree("""
                {"panels": [
                  {"type": "timeseries",
                   "targets": [{"refId": "A", "expr": "ha4neo_a"}, {"refId": "B", "expr": "ha4neo_b"}]},
                  {"type": "row", "collapsed": true, "panels": [
                    {"type": "stat", "targets": [{"refId": "A", "expr": "ha4neo_c"}]},
                    {"type": "row", "panels": [{"type": "stat", "targets": [{"refId": "A", "expr": "ha4neo_d"}]}]}
                  ]},
                  {"type": "text", "options": {"content": "ha4neo_not_a_query"}},
                  {"type": "stat", "targets": [{"refId": "A", "datasource": {"uid": "other"}}]}
                ]}
                """);

        assertThat(DashboardQueries.expressions(dashboard)).containsExactly("ha4neo_a", "ha4neo_b", "ha4neo_c",
                "ha4neo_d");
        assertThat(DashboardQueries.metricNames(dashboard)).containsExactly("ha4neo_a", "ha4neo_b", "ha4neo_c",
                "ha4neo_d");
    }

    @Test
    void findsTheSeriesOfAHistogramQuantileButNotItsFunctionsLabelNamesOrLabelValues() {
        String expr = "histogram_quantile(0.99, sum by (le, member) (rate(ha4neo_applier_apply_latency_seconds_bucket"
                + "{ha4neo_origin=\"x\", job=\"ha4neo_applier\", role=~'ha4neo_.*'}[1m])))";

        assertThat(DashboardQueries.metricNamesOf(expr)).containsExactly("ha4neo_applier_apply_latency_seconds_bucket");
    }

    @Test
    void findsBothSidesOfAVectorMatchButNotTheLabelNamesItMatchesOn() {
        String expr = "ha4neo_capture_publisher_up and on (ha4neo_member, database) ha4neo_role_primary == 1";

        assertThat(DashboardQueries.metricNamesOf(expr)).containsExactly("ha4neo_capture_publisher_up",
                "ha4neo_role_primary");
    }

    @Test
    void aBraceInsideALabelValueDoesNotHideTheNamesAfterIt() {
        String expr = "ha4neo_a{path=\"}\\\" ha4neo_quoted\"} + ignoring(ha4neo_label) ha4neo_b{x=\"{\"}";

        assertThat(DashboardQueries.metricNamesOf(expr)).containsExactly("ha4neo_a", "ha4neo_b");
    }

    @Test
    void aNameIsAWholeIdentifierThatStartsWithTheProjectsPrefix() {
        assertThat(DashboardQueries.metricNamesOf("my_ha4neo_lookalike + ha4neo_rule:rate5m + ha4neo_x2 * 2"))
                .containsExactly("ha4neo_rule:rate5m", "ha4neo_x2");
    }

    @Test
    void aMetricIsExposedOnlyByASampleLineOfExactlyThatName() {
        String text = """
                # HELP ha4neo_help_only Documented but without samples.
                # TYPE ha4neo_help_only gauge
                ha4neo_plain 3.0
                ha4neo_labelled{database="neo4j"} 1.0
                ha4neo_latency_seconds_bucket{le="0.001"} 0
                """;

        assertThat(DashboardQueries.exposes(text, "ha4neo_plain")).isTrue();
        assertThat(DashboardQueries.exposes(text, "ha4neo_labelled")).isTrue();
        assertThat(DashboardQueries.exposes(text, "ha4neo_latency_seconds_bucket")).isTrue();
        assertThat(DashboardQueries.exposes(text, "ha4neo_help_only")).isFalse();
        assertThat(DashboardQueries.exposes(text, "ha4neo_latency_seconds")).isFalse();
        assertThat(DashboardQueries.exposes(text, "ha4neo_pla")).isFalse();
    }
}
