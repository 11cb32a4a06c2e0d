package io.ha4neo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZoneLagTest {
    private static final String COPY = "zoneA.ha4neo.bench.zones";
    private static final String M = "kafka_connect_mirror_mirrorsourceconnector_";

    @Test
    void mirrorMakersLatencyOfTheCopyIsReadFromItsEndpoint() {
        String text = """
                # HELP %1$sreplication_latency_ms Time it takes records to replicate from source to target cluster.
                # TYPE %1$sreplication_latency_ms untyped
                %1$sreplication_latency_ms{partition="0",source="zoneA",target="zoneB",topic="%2$s"} 4.0
                %1$sreplication_latency_ms{partition="0",source="zoneA",target="zoneB",topic="zoneA.ha4neo.other"} 900.0
                %1$sreplication_latency_ms_avg{partition="0",source="zoneA",target="zoneB",topic="%2$s"} 6.25
                %1$sreplication_latency_ms_min{partition="0",source="zoneA",target="zoneB",topic="%2$s"} 1.0
                %1$sreplication_latency_ms_max{partition="0",source="zoneA",target="zoneB",topic="%2$s"} 57.0
                %1$sreplication_latency_ms_max{partition="1",source="zoneA",target="zoneB",topic="%2$s"} -Inf
                %1$srecord_age_ms{partition="0",source="zoneA",target="zoneB",topic="%2$s"} 3.5
                %1$srecord_age_ms_max{partition="0",source="zoneA",target="zoneB",topic="%2$s"} NaN
                %1$srecord_count{partition="0",source="zoneA",target="zoneB",topic="%2$s"} 12345.0
                %1$srecord_count{partition="0",source="zoneA",target="zoneB",topic="zoneA.ha4neo.other"} 7.0
                jvm_memory_used_bytes{area="heap"} 1.2E8
                """.formatted(M, COPY);

        ZoneLag.MirrorReading m = ZoneLag.MirrorReading.of(MetricsScrape.parse(text), COPY);

        assertThat(m).isEqualTo(new ZoneLag.MirrorReading(4.0, 3.5, 6.25, 57.0, 12345, 1));
        ZoneLag.MirrorReading absent = ZoneLag.MirrorReading.of(MetricsScrape.parse(text), "zoneA.ha4neo.absent");
        assertThat(absent.series()).isZero();
        assertThat(absent.latencyMs()).isNaN();
        assertThat(absent.windowAvgMs()).isNaN();
    }

    @Test
    void aRoundCountsTheReadingsTakenAfterMirrorMakerCopiedSomething() {
        List<ZoneLag.MirrorReading> during = List.of(
                reading(9_000, 100), // baseline: the last record before the round
                reading(10, 110), reading(10, 110), // nothing copied in between: not counted again
                reading(30, 120), reading(Double.NaN, 130), reading(20, 140),
                new ZoneLag.MirrorReading(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0)); // no answer

        ZoneLag.MirrorLatency m = ZoneLag.MirrorLatency.of(during, new ZoneLag.MirrorReading(25, 5, 40, 900, 150, 1));

        assertThat(m.samples()).isEqualTo(3);
        assertThat(m.latency()).isEqualTo(new Latencies.Summary(3, 20, 30, 30));
        assertThat(m.recordAge()).isEqualTo(new Latencies.Summary(3, 10, 15, 15));
        assertThat(m.windowAvgMs()).isEqualTo(40);
        assertThat(m.windowMaxMs()).isEqualTo(900);
        assertThat(ZoneLag.MirrorLatency.of(List.of(), reading(1, 1)).latency().p99Ms()).isNaN();
    }

    private static ZoneLag.MirrorReading reading(double latencyMs, double count) {
        return new ZoneLag.MirrorReading(latencyMs, latencyMs / 2, Double.NaN, Double.NaN, count, 1);
    }

    @Test
    void aLabelMatchesOnlyAsAWholeLabel() {
        MetricsScrape s = MetricsScrape.parse("""
                x{subtopic="t",partition="0"} 1
                x{partition="0",topic="t"} 2
                x_avg{topic="t"} 3
                x{topic="t2"} 4
                y{le="+Inf"} +Inf
                """);

        assertThat(s.withLabel("x", "topic", "t")).containsExactly(Map.entry("x{partition=\"0\",topic=\"t\"}", 2.0));
        assertThat(s.value("y{le=\"+Inf\"}")).isInfinite();
    }

    @Test
    void theResultHasMediansOverTheRoundsTheRatiosAndTheSpreadOfTheP99() {
        List<ZoneLag.Round> rounds = List.of(round(1, lag(100, 4, 20, 30), lag(100, 10, 40, 90)),
                round(2, lag(110, 5, 30, 50), lag(110, 12, 90, 120)),
                round(3, lag(90, 6, 10, 25), lag(90, 11, 50, 60)));

        ZoneLag.Result r = ZoneLag.Result.of(1000, 0.5, 500, COPY, 20, 30, rounds);

        assertThat(r.oneCluster()).isEqualTo(new ZoneLag.PathSummary(300, 5, 20, 30, 10, 30));
        assertThat(r.twoZones()).isEqualTo(new ZoneLag.PathSummary(300, 11, 50, 90, 40, 90));
        assertThat(r.p50Ratio()).isEqualTo(2.2);
        assertThat(r.p99Ratio()).isEqualTo(2.5);
        assertThat(r.maxRatio()).isEqualTo(3.0);
        assertThat(r.minP99Ratio()).isEqualTo(2.0); // round 1: 40 / 20
        assertThat(r.maxP99Ratio()).isEqualTo(5.0); // round 3: 50 / 10
        assertThat(ZoneLag.warmupSeconds(Params.full())).isEqualTo(20);
        assertThat(ZoneLag.warmupSeconds(Params.quick())).isEqualTo(4);
    }

    @Test
    void theReportHasTheTwoPathsSideBySideWithTheRatioAndMirrorMakersLatency() {
        ZoneLag.Result zones = ZoneLag.Result.of(1000, 0.5, 500, COPY, 20, 30,
                List.of(round(1, lag(100, 4, 20, 30), lag(100, 10, 40, 90))));
        BenchResults results = new BenchResults("quick", "java -jar bench.jar --only zones", "2026-12-08T09:00:00Z",
                60, Map.of("cores", "2"), Params.quick(), null, null, null, null, null, null, null, null, "0.1",
                null, zones);

        String md = Report.markdown(results);

        assertThat(md).contains("## 8. Two zones: lag through MirrorMaker 2 beside one cluster (500 tx/s offered, 50 % "
                + "of this primary's maximum 1000 tx/s; 1 round(s) of 30 s after a 20 s warm-up)");
        assertThat(md).contains("| one cluster: the applier reads zone A's topic `ha4neo.bench.zones` | 100 | 4.0 | "
                + "**20.0** (20.0–20.0) | 30.0 | 2.0 / 8.0 | 1.5 |");
        assertThat(md).contains("| **two zones ÷ one cluster** | | 2.50× | **2.00×** (2.00×–2.00×) | 3.00× | | |");
        assertThat(md).contains("| 1 | 500 / 498 | 4.0 / 20.0 / 30.0 | 10.0 / 40.0 / 90.0 | 2.00× | 7.0 / 9.0 / 9.5 "
                + "(40) | 3.0 / 4.0 / 4.5 | 6.3 / 57 | 0.120 |");
        assertThat(md).contains("| end-to-end lag p99 ≤ 100 ms at 50 % load, one cluster (step 8, median of the "
                + "rounds) | 20.0 ms | yes |");
        assertThat(md).contains("| the same lag through two zones, MirrorMaker 2 (step 8; no goal of its own) | 40.0 ms,"
                + " 2.00× of one cluster | – |");
    }

    private static ZoneLag.Round round(int rep, Latencies.Summary one, Latencies.Summary two) {
        return new ZoneLag.Round(rep, 500, 498, new ZoneLag.PathRound(one, 2, 8, 1.5),
                new ZoneLag.PathRound(two, 9, 30, 7.5), new ZoneLag.MirrorLatency(40, lag(40, 7, 9, 9.5),
                lag(40, 3, 4, 4.5), 6.25, 57), 0.12);
    }

    private static Latencies.Summary lag(int count, double p50, double p99, double max) {
        return new Latencies.Summary(count, p50, p99, max);
    }
}
