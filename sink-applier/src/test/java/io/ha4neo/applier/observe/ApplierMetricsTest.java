package io.ha4neo.applier.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.schemas.event.ChainPosition;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApplierMetricsTest {
    private final ApplierMetrics metrics = new ApplierMetrics(Clock.fixed(Instant.ofEpochMilli(10_000), ZoneOffset.UTC));

    @Test
    void exportsTheAppliedEpochBesideTheAppliedCommitId() {
        metrics.positioned(watermark(3, 57));

        assertThat(gauge(MetricNames.APPLIER_APPLIED_EPOCH)).isEqualTo(3);
        assertThat(gauge(MetricNames.APPLIER_APPLIED_COMMIT_ID)).isEqualTo(57);
    }

    @Test
    void countsLagInTransactionsOnlyWithinOneEpoch() {
        metrics.positioned(watermark(0, 120));
        metrics.topicProgress(Optional.of(new ChainPosition(0, 125)), 5);
        assertThat(gauge(MetricNames.APPLIER_LAG_TRANSACTIONS)).isEqualTo(5);

        metrics.topicProgress(Optional.of(new ChainPosition(1, 61)), 3);
        assertThat(gauge(MetricNames.APPLIER_LAG_TRANSACTIONS)).as("commit ids of two stores").isNaN();

        metrics.positioned(watermark(1, 61));
        metrics.topicProgress(Optional.empty(), 0);
        assertThat(gauge(MetricNames.APPLIER_LAG_TRANSACTIONS)).isZero();
    }

    @Test
    void isNotCaughtUpWhileTheTopicHasANewerEpochWhoseCommitIdsAreLower() {
        metrics.positioned(watermark(0, 120)); // origin commit time 1 s, now 10 s
        metrics.topicProgress(Optional.of(new ChainPosition(1, 61)), 0);

        assertThat(metrics.lagMillis()).isEqualTo(9_000);
        assertThat(gauge(MetricNames.APPLIER_LAG_SECONDS)).isEqualTo(9.0);

        metrics.positioned(watermark(1, 61));
        metrics.topicProgress(Optional.empty(), 0);
        assertThat(metrics.lagMillis()).isZero();
    }

    private static Watermark watermark(long epoch, long commitId) {
        return new Watermark("neo4j", commitId, epoch, Events.TOPIC, 0, 0, 1_000, 0);
    }

    private double gauge(String name) {
        return metrics.registry().scrape().stream().filter(m -> m.getMetadata().getPrometheusName().equals(name))
                .map(m -> ((GaugeSnapshot) m).getDataPoints().get(0).getValue()).findFirst().orElseThrow();
    }
}
