package io.ha4neo.topology.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String BODY = """
            # HELP ha4neo_applier_lag_seconds Seconds behind.
            # TYPE ha4neo_applier_lag_seconds gauge
            ha4neo_applier_lag_seconds_total 9.0
            ha4neo_applier_lag_seconds{topic="t"} 1.5
            ha4neo_applier_lag_transactions 3
            """;

    @Test
    void readsTheSampleOfTheExactMetricNameWithOrWithoutLabels() {
        assertThat(PrometheusText.firstValue(BODY, "ha4neo_applier_lag_seconds")).contains(1.5);
        assertThat(PrometheusText.firstValue(BODY, "ha4neo_applier_lag_transactions")).contains(3.0);
        assertThat(PrometheusText.firstValue(BODY, "ha4neo_missing")).isEmpty();
    }

    @Test
    void theLargestFiniteValueOfTheSeriesWithALabelIsTakenAcrossPartitions() {
        String mm2 = """
                mm_latency_ms{partition="0",source="za",target="zb",topic="za.t"} 4.0
                mm_latency_ms{partition="1",source="za",target="zb",topic="za.t"} 12.5
                mm_latency_ms{partition="2",source="za",target="zb",topic="za.t"} NaN
                mm_latency_ms{partition="0",source="za",target="zb",topic="za.other"} 900.0
                mm_latency_ms_max{partition="0",source="za",target="zb",topic="za.t"} 57.0
                """;

        assertThat(PrometheusText.largestWithLabel(mm2, "mm_latency_ms", "topic", "za.t")).contains(12.5);
        assertThat(PrometheusText.largestWithLabel(mm2, "mm_latency_ms", "topic", "za")).isEmpty();
        assertThat(PrometheusText.largestWithLabel(mm2, "mm_latency_ms", "topic", "zb.t")).isEmpty();
    }
}
