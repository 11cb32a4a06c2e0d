package io.ha4neo.capture.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The gauges read the injected statuses at scrape time, one data point per database. */
class CaptureMetricsTest {
    private static final CaptureStatus PRIMARY = CaptureStatus.builder().role("primary").database("orders")
            .publisherState(PublisherState.PUBLISHING.name()).lastCommittedId(120).lastPublishedId(117)
            .spoolBlockedMillis(2_500).semiSyncFallback(true).gaps(List.of("commit ids 5..6: lost")).build();
    private static final CaptureStatus STANDBY = CaptureStatus.builder().role("standby").database("billing")
            .publisherState(PublisherState.NOT_PUBLISHING.name()).appliedCommitId(99).applyDelayMillis(1_250).build();

    @Test
    void everyGaugeHasOneDataPointPerDatabaseFromTheStatuses() {
        PrometheusRegistry registry = CaptureMetrics.registry(() -> Map.of("orders", PRIMARY, "billing", STANDBY));

        assertThat(gauge(registry, MetricNames.CAPTURE_LAST_COMMITTED_ID)).containsExactly(
                Map.entry("billing", 0.0), Map.entry("orders", 120.0));
        assertThat(gauge(registry, MetricNames.CAPTURE_LAST_PUBLISHED_ID)).containsEntry("orders", 117.0);
        assertThat(gauge(registry, MetricNames.CAPTURE_COMMITS_BLOCKED_SECONDS)).containsEntry("orders", 2.5);
        assertThat(gauge(registry, MetricNames.CAPTURE_SEMI_SYNC_FALLBACK)).containsEntry("orders", 1.0);
        assertThat(gauge(registry, MetricNames.CAPTURE_GAPS)).containsEntry("orders", 1.0);
        assertThat(gauge(registry, MetricNames.STANDBY_APPLIED_COMMIT_ID)).containsEntry("billing", 99.0);
        assertThat(gauge(registry, MetricNames.STANDBY_APPLY_DELAY_SECONDS)).containsEntry("billing", 1.25);
        assertThat(gauge(registry, MetricNames.ROLE_PRIMARY)).containsExactly(
                Map.entry("billing", 0.0), Map.entry("orders", 1.0));
        assertThat(gauge(registry, MetricNames.CAPTURE_PUBLISHER_UP)).containsExactly(
                Map.entry("billing", 0.0), Map.entry("orders", 1.0));
        assertThat(gauge(registry, MetricNames.ROLE_STANDBY)).containsExactly(
                Map.entry("billing", 1.0), Map.entry("orders", 0.0));
        assertThat(gauge(registry, MetricNames.ACCEPTS_WRITES)).containsExactly(
                Map.entry("billing", 0.0), Map.entry("orders", 1.0));
    }

    @Test
    void aFrozenPrimaryDoesNotAcceptWrites() {
        PrometheusRegistry registry = CaptureMetrics.registry(() -> Map.of("orders", PRIMARY.withFrozen(true)));

        assertThat(gauge(registry, MetricNames.ROLE_PRIMARY)).containsExactly(Map.entry("orders", 1.0));
        assertThat(gauge(registry, MetricNames.ACCEPTS_WRITES)).containsExactly(Map.entry("orders", 0.0));
    }

    @Test
    void eachScrapeReadsTheSupplierAgain() {
        AtomicReference<Map<String, CaptureStatus>> statuses = new AtomicReference<>(Map.of("orders", PRIMARY));
        PrometheusRegistry registry = CaptureMetrics.registry(statuses::get);
        assertThat(gauge(registry, MetricNames.CAPTURE_LAST_COMMITTED_ID)).containsExactly(Map.entry("orders", 120.0));

        statuses.set(Map.of("billing", STANDBY));

        assertThat(gauge(registry, MetricNames.CAPTURE_LAST_COMMITTED_ID)).containsExactly(Map.entry("billing", 0.0));
    }

    /** The gauge's values by database label, sorted by database. */
    private static Map<String, Double> gauge(PrometheusRegistry registry, String name) {
        MetricSnapshot snapshot = registry.scrape().stream()
                .filter(s -> s.getMetadata().getPrometheusName().equals(name)).findFirst().orElseThrow();
        Map<String, Double> values = new TreeMap<>();
        for (DataPointSnapshot p : snapshot.getDataPoints()) {
            values.put(p.getLabels().get("database"), ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue());
        }
        return values;
    }
}
