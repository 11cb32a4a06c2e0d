package io.ha4neo.applier.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.apply.ApplyResult;
import io.ha4neo.applier.standby.BootstrapStage;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import java.util.List;
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

    @Test
    void reportsABootstrapRunFromTheWatermarksStageAndTheLastAppliedMarkOfTheRun() {
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ACTIVE)).isZero();
        metrics.positioned(new Watermark("neo4j", 0, 1, Events.TOPIC, 0, 4, 0, 0, BootstrapStage.awaitingBegin("r1")));
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ACTIVE)).isEqualTo(1);
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ENTITIES_TOTAL)).isZero();

        metrics.applied(applied(Events.mark("r1", BootstrapPhase.NODES, 3, 1), BootstrapStage.seeding("r1")), List.of());
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ACTIVE)).isEqualTo(1);
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ENTITIES_APPLIED)).isEqualTo(4);
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ENTITIES_TOTAL)).as("3 nodes + 2 relationships").isEqualTo(5);

        metrics.applied(applied(Events.mark("r1", BootstrapPhase.END, 3, 2), null), List.of());
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ACTIVE)).isZero();
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ENTITIES_APPLIED)).isEqualTo(5);
    }

    /** What applying one event of a run wrote: the event, and a watermark in {@code stage}. */
    private static ApplyResult applied(BootstrapMark mark, BootstrapStage stage) {
        ApplyResult r = new ApplyResult();
        r.record(List.of(Events.bootstrap(9, 8, mark).build()), 0,
                new Watermark("neo4j", 9, 1, Events.TOPIC, 0, 9, 0, 0, stage));
        return r;
    }

    private static Watermark watermark(long epoch, long commitId) {
        return new Watermark("neo4j", commitId, epoch, Events.TOPIC, 0, 0, 1_000, 0);
    }

    private double gauge(String name) {
        return metrics.registry().scrape().stream().filter(m -> m.getMetadata().getPrometheusName().equals(name))
                .map(m -> ((GaugeSnapshot) m).getDataPoints().get(0).getValue()).findFirst().orElseThrow();
    }
}
