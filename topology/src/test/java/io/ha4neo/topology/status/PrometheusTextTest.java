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
}
