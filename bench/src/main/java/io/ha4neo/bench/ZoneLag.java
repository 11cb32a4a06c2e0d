package io.ha4neo.bench;

import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.MirrorMaker;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProcessReaper;
import io.ha4neo.launcher.process.ProjectLayout;
import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.schemas.contract.MetricNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;

/**
 * Step 8, two zones (issue 16; only with {@code --only zones}, not part of the full or the quick run): the lag
 * commit → readable on a standby (P1, measured as in step 2) on the two-zone path beside the one-cluster path, in the
 * same run, from the same commits.
 * <ul>
 *   <li>{@code zone-primary}: async, its plugin publishing to the run's broker (zone A);</li>
 *   <li>{@code zone-standby-a} with an applier reading zone A's topic directly: the one-cluster path;</li>
 *   <li>{@code zone-standby-b} with an applier reading zone B's copy of it: zone B is a second broker, started and
 *       stopped by this step, and MirrorMaker 2 (a real process, {@link MirrorMaker}, with its replication metrics on
 *       a Prometheus endpoint) copies the topic from zone A to zone B: the two-zone path.</li>
 * </ul>
 * Both standbys' plugins name zone A's broker, as in {@code MirroredZoneIT} (a standby's plugin does not read the
 * topic; its applier does). The offered rate is {@link Params#lagLoadFraction()} (0.5 unless {@code --lag-load}) of
 * this primary's maximum, measured first as step 1 measures it: a closed-loop warm-up, then {@link Params#repetitions()}
 * closed-loop rounds of {@link Params#roundSeconds()}, the median, with neither MirrorMaker nor an applier running
 * yet (only the capture path). Then MirrorMaker and both appliers start and catch up, a warm-up at the offered rate
 * with the probes runs unmeasured ({@link #warmupSeconds}), and {@link Params#repetitions()} rounds of
 * {@link Params#lagSeconds()} are measured. Every followed commit is probed on both standbys (one bookmark, one
 * {@code ha4neo.awaitCommit} on each), so both paths see identical load. MirrorMaker's replication latency of the
 * copy is read from its {@code /metrics} during each round ({@link MirrorLatency}) and at its end, once both appliers
 * caught up.
 */
final class ZoneLag {
    static final String TOPIC = "ha4neo.bench.zones";
    static final String ZONE_A = "zoneA";
    static final String ZONE_B = "zoneB";
    static final String PRIMARY = "zone-primary";
    static final String ONE_CLUSTER = "zone-standby-a";
    static final String TWO_ZONES = "zone-standby-b";
    /** MirrorMaker's {@code record-age-ms}: source timestamp → MirrorMaker polled the record, in ms. */
    static final String RECORD_AGE = MirrorMaker.REPLICATION_LATENCY.replace("replication_latency_ms", "record_age_ms");
    /** MirrorMaker's {@code record-count}: records copied since it started. */
    static final String RECORD_COUNT = MirrorMaker.REPLICATION_LATENCY.replace("replication_latency_ms", "record_count");
    private static final String CLUSTER_ID = BenchStack.CLUSTER_ID + "-zones";
    private static final String DATABASE = "neo4j";
    private static final String APPLY_LATENCY = MetricNames.APPLIER_APPLY_LATENCY_SECONDS;
    private static final String SENT_TO_POLLED = MetricNames.APPLIER_STAGE_SEND_TO_POLL_SECONDS;
    private static final double PUBLISH_TIMEOUT_SECONDS = 300;
    private static final double CATCH_UP_TIMEOUT_SECONDS = 1800;
    private static final double COPY_TIMEOUT_SECONDS = 180;
    /** How often MirrorMaker's {@code /metrics} is read during a round. */
    static final long SAMPLE_PERIOD_MS = 250;
    /** Connections (and Bolt threads) for the probes waiting on one standby at once. */
    static final int PROBE_CONNECTIONS = 1000;

    private ZoneLag() {
    }

    /**
     * One path's figures in one round.
     *
     * @param lag commit returned on the primary → {@code awaitCommit} returned on this path's standby, per followed
     *            commit
     * @param applierP50Ms this path's applier: its apply−commit histogram's median over the round (interpolated in its
     *                     buckets), ms
     * @param applierP99Ms the same histogram's 99th percentile, ms
     * @param sentToPolledMeanMs the applier's stage histogram "sent → polled" (Kafka transaction, broker, fetch), mean
     *                           over the round, ms: on the two-zone path it holds MirrorMaker's copy
     */
    record PathRound(Latencies.Summary lag, double applierP50Ms, double applierP99Ms, double sentToPolledMeanMs) {
    }

    /**
     * One reading of MirrorMaker's {@code /metrics}: the copy's series (the largest over its partitions; NaN where a
     * series is absent or has no sample, as Kafka's max does before its first record).
     *
     * @param latencyMs {@code replication-latency-ms}, of the last record copied: its source timestamp → zone B
     *                  acknowledged the copy
     * @param recordAgeMs {@code record-age-ms}, of the last record copied: its source timestamp → MirrorMaker polled it
     * @param windowAvgMs {@code replication-latency-ms-avg}: MirrorMaker's own average over Kafka's default metrics
     *                    window (two samples of 30 s: the last 30-60 s)
     * @param windowMaxMs {@code replication-latency-ms-max}, over the same window
     * @param recordCount {@code record-count}: records copied since MirrorMaker started (summed over partitions)
     * @param series series of {@link MirrorMaker#REPLICATION_LATENCY} for the copy (one per partition; 0 when none
     *               was exposed)
     */
    record MirrorReading(double latencyMs, double recordAgeMs, double windowAvgMs, double windowMaxMs,
                         double recordCount, int series) {

        static MirrorReading of(MetricsScrape scrape, String copyTopic) {
            String latency = MirrorMaker.REPLICATION_LATENCY;
            return new MirrorReading(largest(scrape, latency, copyTopic), largest(scrape, RECORD_AGE, copyTopic),
                    largest(scrape, latency + "_avg", copyTopic), largest(scrape, latency + "_max", copyTopic),
                    scrape.withLabel(RECORD_COUNT, "topic", copyTopic).values().stream().mapToDouble(d -> d).sum(),
                    scrape.withLabel(latency, "topic", copyTopic).size());
        }

        private static double largest(MetricsScrape scrape, String name, String topic) {
            return scrape.withLabel(name, "topic", topic).values().stream().mapToDouble(Double::doubleValue)
                    .filter(Double::isFinite).max().orElse(Double.NaN);
        }
    }

    /**
     * MirrorMaker's replication latency over one round. Its {@code /metrics} offers the last copied record's latency
     * and windowed statistics whose window (Kafka's default, two samples of 30 s) is fixed for these metrics (the
     * legacy {@code kafka.connect.mirror} MBeans have a {@code Metrics} of their own, which no setting reaches), so
     * the round's distribution comes from reading the last record's latency every {@value #SAMPLE_PERIOD_MS} ms
     * while the round runs. A reading counts when MirrorMaker copied records since the one before it (its record count
     * grew), so that a value is not counted twice; the first reading is the baseline.
     *
     * @param samples readings that counted
     * @param latency the sampled {@code replication-latency-ms}: p50 / p99 / max over the readings, ms
     * @param recordAge the sampled {@code record-age-ms}, ms
     * @param windowAvgMs at the round's end: MirrorMaker's own average over its last 30-60 s
     * @param windowMaxMs at the round's end: its maximum over the same window
     */
    record MirrorLatency(int samples, Latencies.Summary latency, Latencies.Summary recordAge, double windowAvgMs,
                         double windowMaxMs) {

        static MirrorLatency of(List<MirrorReading> during, MirrorReading end) {
            Latencies latency = new Latencies();
            Latencies age = new Latencies();
            int samples = 0;
            for (int i = 1; i < during.size(); i++) {
                MirrorReading r = during.get(i);
                if (r.series() == 0 || !(r.recordCount() > during.get(i - 1).recordCount())) {
                    continue;
                }
                if (Double.isFinite(r.latencyMs())) {
                    samples++;
                    latency.add(Math.round(r.latencyMs() * 1e6));
                }
                if (Double.isFinite(r.recordAgeMs())) {
                    age.add(Math.round(r.recordAgeMs() * 1e6));
                }
            }
            return new MirrorLatency(samples, latency.summary(), age.summary(), end.windowAvgMs(), end.windowMaxMs());
        }
    }

    /**
     * One measured round: the same followed commits on both paths.
     *
     * @param repetition 1-based
     * @param offeredTxPerSecond offered rate
     * @param committedTxPerSecond committed rate
     * @param oneCluster the standby whose applier reads zone A's topic
     * @param twoZones the standby whose applier reads zone B's copy
     * @param mirrorMaker MirrorMaker's replication latency during the round, and its own window at the round's end
     * @param mirrorMakerCpuPer1000 MirrorMaker's CPU seconds per 1,000 transactions of the round
     */
    record Round(int repetition, double offeredTxPerSecond, double committedTxPerSecond, PathRound oneCluster,
                 PathRound twoZones, MirrorLatency mirrorMaker, double mirrorMakerCpuPer1000) {

        /** Two zones ÷ one cluster of the round's lag p99. */
        double p99Ratio() {
            return twoZones.lag().p99Ms() / oneCluster.lag().p99Ms();
        }
    }

    /**
     * One path over every round.
     *
     * @param followed followed commits over every round
     * @param p50Ms median over the rounds of the lag p50, ms
     * @param p99Ms median over the rounds of the lag p99, ms
     * @param maxMs median over the rounds of the lag max, ms
     * @param minP99Ms the smallest per-round p99, ms
     * @param maxP99Ms the largest per-round p99, ms
     */
    record PathSummary(long followed, double p50Ms, double p99Ms, double maxMs, double minP99Ms, double maxP99Ms) {
        static PathSummary of(List<Round> rounds, Function<Round, PathRound> path) {
            List<Latencies.Summary> lags = rounds.stream().map(r -> path.apply(r).lag()).toList();
            return new PathSummary(lags.stream().mapToLong(Latencies.Summary::count).sum(),
                    CaptureOverhead.Stats.median(lags, Latencies.Summary::p50Ms),
                    CaptureOverhead.Stats.median(lags, Latencies.Summary::p99Ms),
                    CaptureOverhead.Stats.median(lags, Latencies.Summary::maxMs),
                    lags.stream().mapToDouble(Latencies.Summary::p99Ms).min().orElse(Double.NaN),
                    lags.stream().mapToDouble(Latencies.Summary::p99Ms).max().orElse(Double.NaN));
        }
    }

    /**
     * What the step measured.
     *
     * @param primaryMaxTxPerSecond this primary's closed-loop maximum (median of the rounds), before MirrorMaker and
     *                              the appliers started
     * @param loadFraction offered rate ÷ that maximum
     * @param offeredTxPerSecond the offered rate of every round
     * @param copyTopic zone B's copy of {@link #TOPIC}
     * @param warmupSeconds the unmeasured load at the offered rate before the first round
     * @param roundSeconds length of each round
     * @param rounds every round, in order
     * @param oneCluster the one-cluster path over the rounds
     * @param twoZones the two-zone path over the rounds
     * @param p50Ratio two zones ÷ one cluster, of the medians of the lag p50
     * @param p99Ratio the same of the lag p99
     * @param maxRatio the same of the lag max
     * @param minP99Ratio the smallest per-round two zones ÷ one cluster of the lag p99
     * @param maxP99Ratio the largest
     */
    record Result(double primaryMaxTxPerSecond, double loadFraction, double offeredTxPerSecond, String copyTopic,
                  double warmupSeconds, double roundSeconds, List<Round> rounds, PathSummary oneCluster,
                  PathSummary twoZones, double p50Ratio, double p99Ratio, double maxRatio, double minP99Ratio,
                  double maxP99Ratio) {

        static Result of(double primaryMax, double loadFraction, double offered, String copyTopic,
                         double warmupSeconds, double roundSeconds, List<Round> rounds) {
            PathSummary one = PathSummary.of(rounds, Round::oneCluster);
            PathSummary two = PathSummary.of(rounds, Round::twoZones);
            return new Result(primaryMax, loadFraction, offered, copyTopic, warmupSeconds, roundSeconds,
                    List.copyOf(rounds), one, two, two.p50Ms() / one.p50Ms(), two.p99Ms() / one.p99Ms(),
                    two.maxMs() / one.maxMs(), rounds.stream().mapToDouble(Round::p99Ratio).min().orElse(Double.NaN),
                    rounds.stream().mapToDouble(Round::p99Ratio).max().orElse(Double.NaN));
        }
    }

    static Result run(Params p, ProjectLayout layout, Path workDir, KafkaBroker zoneA, ProcessReaper reaper,
                      Workload workload) throws Exception {
        WorkDirs.deleteRecursively(workDir, "the previous zones step");
        Credentials applierUser = Credentials.generated(Credentials.APPLIER_USER);
        KafkaBroker zoneB = KafkaBroker.builder(layout.kafkaLibDir(), workDir.resolve("kafka-" + ZONE_B), reaper)
                .setting("auto.create.topics.enable", "false").readinessTimeout(Duration.ofSeconds(240)).build();
        MirrorMaker mm2 = MirrorMaker.builder(layout.mirrorMakerLibDir(), workDir.resolve("mirror-maker"), reaper)
                .source(ZONE_A, zoneA.bootstrapServers()).target(ZONE_B, zoneB.bootstrapServers())
                .metrics(layout.mirrorMakerMetricsAgent(), FreePorts.next())
                .readinessTimeout(Duration.ofSeconds(240)).build();
        String copy = mm2.targetTopic(TOPIC);
        Neo4jServer primary = server(layout, workDir, reaper, PRIMARY, "primary", zoneA, applierUser);
        Neo4jServer standbyA = server(layout, workDir, reaper, ONE_CLUSTER, "standby", zoneA, applierUser);
        Neo4jServer standbyB = server(layout, workDir, reaper, TWO_ZONES, "standby", zoneA, applierUser);
        ApplierProcess applierA = applier(layout, workDir, reaper, standbyA, zoneA, TOPIC, applierUser);
        ApplierProcess applierB = applier(layout, workDir, reaper, standbyB, zoneB, copy, applierUser);
        try {
            inParallel(Map.of("start-" + ZONE_B, zoneB::start, "start-" + PRIMARY, primary::start,
                    "start-" + ONE_CLUSTER, standbyA::start, "start-" + TWO_ZONES, standbyB::start));
            try (Driver writer = primary.driver(); Driver one = probeDriver(standbyA);
                 Driver two = probeDriver(standbyB)) {
                double max = maximum(p, writer, workload);
                double rate = max * p.lagLoadFraction();
                System.out.printf("  zones: primary maximum %.0f tx/s (closed loop, median of %d); offered %.0f tx/s"
                        + "%n", max, p.repetitions(), rate);
                long t0 = System.nanoTime();
                mm2.start();
                awaitTopic(zoneB, copy);
                applierA.start();
                applierB.start();
                long published = ReplicationWatch.awaitPublished(writer, PUBLISH_TIMEOUT_SECONDS);
                ReplicationWatch.awaitApplied(applierA, published, CATCH_UP_TIMEOUT_SECONDS);
                ReplicationWatch.awaitApplied(applierB, published, CATCH_UP_TIMEOUT_SECONDS);
                System.out.printf("  zones: MirrorMaker copying %s to %s; both standbys at commit id %d after %.1f s%n",
                        TOPIC, copy, published, (System.nanoTime() - t0) / 1e9);
                EndToEndLag.ProbedLoad load = new EndToEndLag.ProbedLoad(
                        new WriteLoad(writer, workload, p.writerThreads()), List.of(one, two), rate,
                        Math.max(1, Math.round(rate / p.lagProbesPerSecond())));
                double warmup = warmupSeconds(p);
                if (warmup > 0) {
                    // Not measured: the standbys, the appliers and MirrorMaker get their first steady work here (JIT).
                    load.run(warmup, List.of(new Latencies(), new Latencies()));
                    catchUp(writer, applierA, applierB);
                }
                List<Round> rounds = new ArrayList<>();
                for (int rep = 1; rep <= p.repetitions(); rep++) {
                    Round r = round(p, rep, load, writer, applierA, applierB, mm2, copy);
                    System.out.printf("  zones rep %d: %.0f tx/s; lag p50 / p99 / max: one cluster %.1f / %.1f / %.1f"
                            + " ms, two zones %.1f / %.1f / %.1f ms (p99 %.2f×); MirrorMaker replication latency "
                            + "p50 / p99 / max %.0f / %.0f / %.0f ms (%d readings)%n", rep, r.committedTxPerSecond(),
                            r.oneCluster().lag().p50Ms(), r.oneCluster().lag().p99Ms(), r.oneCluster().lag().maxMs(),
                            r.twoZones().lag().p50Ms(), r.twoZones().lag().p99Ms(), r.twoZones().lag().maxMs(),
                            r.p99Ratio(), r.mirrorMaker().latency().p50Ms(), r.mirrorMaker().latency().p99Ms(),
                            r.mirrorMaker().latency().maxMs(), r.mirrorMaker().samples());
                    rounds.add(r);
                }
                return Result.of(max, p.lagLoadFraction(), rate, copy, warmup, p.lagSeconds(), rounds);
            }
        } finally {
            quietly("stop the appliers", () -> {
                applierA.stop();
                applierB.stop();
            });
            quietly("stop MirrorMaker", mm2::stop);
            quietly("stop the servers", () -> inParallel(Map.of("stop-" + PRIMARY, primary::stop,
                    "stop-" + ONE_CLUSTER, standbyA::stop, "stop-" + TWO_ZONES, standbyB::stop)));
            quietly("stop zone B's broker", zoneB::stop);
        }
    }

    /**
     * The unmeasured load before the first round: step 2's. One round more was tried (this step warms five JVMs
     * where step 2 warms two) and changed nothing: in full runs the first round's lag p50 was 3-5× the third's on both
     * paths after a 20 s warm-up and after a 50 s one alike, the lag still falling from round to round.
     */
    static double warmupSeconds(Params p) {
        return p.lagWarmupSeconds();
    }

    /** The primary's closed-loop maximum, as step 1 measures it: warm-up, then the median of the rounds. */
    private static double maximum(Params p, Driver primary, Workload workload) {
        new WriteLoad(primary, workload, p.writerThreads()).closedLoop(p.warmupSeconds());
        List<Double> rates = new ArrayList<>();
        for (int rep = 1; rep <= p.repetitions(); rep++) {
            rates.add(new WriteLoad(primary, workload, p.writerThreads()).closedLoop(p.roundSeconds()).txPerSecond());
        }
        return CaptureOverhead.Stats.median(rates, Double::doubleValue);
    }

    private static Round round(Params p, int rep, EndToEndLag.ProbedLoad load, Driver writer, ApplierProcess applierA,
                               ApplierProcess applierB, MirrorMaker mm2, String copy) throws InterruptedException {
        Latencies lagA = new Latencies();
        Latencies lagB = new Latencies();
        MetricsScrape beforeA = MetricsScrape.of(applierA.metricsBaseUrl());
        MetricsScrape beforeB = MetricsScrape.of(applierB.metricsBaseUrl());
        double mm2Cpu0 = ProcStats.cpuSeconds(mm2.pid());
        WriteLoad.Result r;
        List<MirrorReading> during;
        try (MirrorSampler sampler = MirrorSampler.start(mm2.metricsUrl(), copy)) {
            r = load.run(p.lagSeconds(), List.of(lagA, lagB));
            during = sampler.stop();
        }
        catchUp(writer, applierA, applierB);
        double mm2Cpu = ProcStats.perThousand(mm2Cpu0, ProcStats.cpuSeconds(mm2.pid()), r.transactions());
        MirrorReading end = MirrorSampler.read(mm2.metricsUrl(), copy);
        MirrorLatency mirror = MirrorLatency.of(during, end);
        if (mirror.samples() == 0) {
            System.out.println("  zones: no " + MirrorMaker.REPLICATION_LATENCY + " value for topic " + copy + " on "
                    + mm2.metricsUrl() + " during the round (" + during.size() + " readings)");
        }
        return new Round(rep, load.rate(), r.txPerSecond(),
                path(lagA, beforeA, MetricsScrape.of(applierA.metricsBaseUrl())),
                path(lagB, beforeB, MetricsScrape.of(applierB.metricsBaseUrl())), mirror, mm2Cpu);
    }

    /** Reads MirrorMaker's {@code /metrics} every {@value #SAMPLE_PERIOD_MS} ms on a thread of its own. */
    private static final class MirrorSampler implements AutoCloseable {
        private final List<MirrorReading> readings = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        private MirrorSampler(String url, String copy) {
            thread = new Thread(() -> {
                while (running) {
                    readings.add(read(url, copy));
                    try {
                        Thread.sleep(SAMPLE_PERIOD_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "mirror-maker-sampler");
            thread.setDaemon(true);
        }

        static MirrorSampler start(String url, String copy) {
            MirrorSampler sampler = new MirrorSampler(url, copy);
            sampler.thread.start();
            return sampler;
        }

        /** One reading; an endpoint that does not answer gives a reading without values. */
        static MirrorReading read(String url, String copy) {
            try {
                return MirrorReading.of(MetricsScrape.of(url), copy);
            } catch (RuntimeException e) {
                return MirrorReading.of(MetricsScrape.empty(), copy);
            }
        }

        /** Stops sampling and returns the readings. */
        List<MirrorReading> stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(10_000);
            return List.copyOf(readings);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    private static PathRound path(Latencies lag, MetricsScrape before, MetricsScrape after) {
        return new PathRound(lag.summary(), 1000 * MetricsScrape.quantile(before, after, APPLY_LATENCY, 0.50),
                1000 * MetricsScrape.quantile(before, after, APPLY_LATENCY, 0.99),
                1000 * MetricsScrape.mean(before, after, SENT_TO_POLLED));
    }

    private static void catchUp(Driver writer, ApplierProcess a, ApplierProcess b) throws InterruptedException {
        long published = ReplicationWatch.awaitPublished(writer, PUBLISH_TIMEOUT_SECONDS);
        ReplicationWatch.awaitApplied(a, published, 120);
        ReplicationWatch.awaitApplied(b, published, 120);
    }

    /**
     * A driver for the probes of one standby. Each waiting probe holds a connection (and a Bolt thread of the
     * standby) until its commit is applied, so at {@code lagProbesPerSecond} and a lag of seconds hundreds wait at
     * once: the launcher's default pool (100) refused the rest at once ("pending acquisition queue is full"), and a
     * probe that queues for a connection would measure its queueing. Room for {@value #PROBE_CONNECTIONS}; the
     * standbys get as many Bolt threads and no limit on their transactions' total memory (see {@link #server}).
     */
    private static Driver probeDriver(Neo4jServer standby) {
        return GraphDatabase.driver(standby.boltUri(), AuthTokens.basic(Neo4jServer.USER, standby.password()),
                Config.builder().withLogging(Logging.none()).withConnectionTimeout(5, TimeUnit.SECONDS)
                        .withMaxConnectionPoolSize(PROBE_CONNECTIONS)
                        .withConnectionAcquisitionTimeout(10, TimeUnit.SECONDS).build());
    }

    /** Waits until MirrorMaker has created zone B's copy (it looks for new topics every 5 s). */
    private static void awaitTopic(KafkaBroker zoneB, String copy) throws Exception {
        long deadline = System.nanoTime() + (long) (COPY_TIMEOUT_SECONDS * 1e9);
        try (Admin admin = zoneB.admin()) {
            while (!admin.listTopics().names().get().contains(copy)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("MirrorMaker did not create " + copy + " in zone B within "
                            + COPY_TIMEOUT_SECONDS + " s; zone B holds " + admin.listTopics().names().get());
                }
                Thread.sleep(200);
            }
        }
    }

    private static Neo4jServer server(ProjectLayout layout, Path workDir, ProcessReaper reaper, String name,
                                      String role, KafkaBroker zoneA, Credentials applierUser) {
        Map<String, String> s = BenchPlugin.settings(role, CLUSTER_ID, TOPIC, zoneA, applierUser);
        s.put("ha4neo.member.name", name);
        if ("primary".equals(role)) {
            s.put("ha4neo.durability", "async");
        } else {
            // room for the probes: a Bolt thread each, and each one's transaction reserves 2 MiB of the database's
            // transaction memory pool (70 % of the heap by default: ~170 probes), whatever it really uses
            s.put("server.bolt.thread_pool_max_size", Integer.toString(PROBE_CONNECTIONS + 100));
            s.put("dbms.memory.transaction.total.max", "0");
        }
        return Neo4jServer.builder(name, layout.neo4jLibDir(), workDir.resolve(name), reaper)
                .readinessTimeout(Duration.ofSeconds(300)).withoutBoltShutdownQuietPeriod()
                .plugin(layout.pluginJar()).settings(s).user(applierUser).build();
    }

    private static ApplierProcess applier(ProjectLayout layout, Path workDir, ProcessReaper reaper,
                                          Neo4jServer standby, KafkaBroker broker, String topic,
                                          Credentials applierUser) {
        return ApplierProcess.builder(layout.applierJar(), workDir.resolve("applier-" + standby.name()), reaper)
                .property("neo4j.uri", standby.boltUri())
                .neo4jCredentials(applierUser)
                .property("neo4j.database", DATABASE)
                .property("member.name", standby.name())
                .property("topic", topic)
                .property("kafka.bootstrap.servers", broker.bootstrapServers())
                .metricsPort(FreePorts.next())
                .build();
    }

    private static void inParallel(Map<String, Runnable> actions) {
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        actions.forEach((name, action) -> {
            Thread t = new Thread(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, name);
            t.start();
            threads.add(t);
        });
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!failures.isEmpty()) {
            failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
            throw failures.get(0);
        }
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            System.out.println("  zones: could not " + what + ": " + e.getMessage());
        }
    }
}
