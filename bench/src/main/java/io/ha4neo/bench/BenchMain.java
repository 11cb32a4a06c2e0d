package io.ha4neo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ha4neo.launcher.process.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;

/**
 * The ha4neo benchmark: starts real processes (Kafka broker, Neo4j servers with and without the packaged capture
 * plugin, a standby and the sink applier) and measures, side by side in one run, capture overhead, end-to-end lag
 * at half load, applier drain rate against the physical limit of plain batched Cypher, bulk end-to-end throughput,
 * switchover RTO, seeding a standby, a repair from Neo4j's transaction log beside normal capture, and resources; on
 * request ({@code --only zones}) the lag to a standby in a second zone through MirrorMaker 2 beside the one-cluster lag.
 * It asserts nothing about speed; it reports figures and ratios.
 *
 * <pre>{@code
 * cd /path/to/ha4neo && mvn -q -DskipTests install
 * java -jar bench/target/bench-0.1.0-SNAPSHOT-all.jar            # full run (~10 min): BENCHMARKS.md, bench/results/*.json
 * java -jar bench/target/bench-0.1.0-SNAPSHOT-all.jar --quick    # < 3 min, writes to a temp directory
 * }</pre>
 *
 * Options: {@code --quick}; {@code --only seeding} (step 6 alone, report in a temp directory); {@code --only repair}
 * (step 7 alone, report in a temp directory); {@code --only zones} (step 8, two zones through MirrorMaker 2 beside
 * one cluster; never part of a full or quick run; report in a temp directory); {@code --only lag}
 * (steps 1 and 2: capture overhead, then the lag at half the measured maximum; report in a temp directory);
 * {@code --lag-load F} (step 2 at F × the measured maximum instead of 0.5); {@code --out <file.md>} (Markdown destination; with {@code --quick} this is how to
 * overwrite BENCHMARKS.md deliberately); {@code --json <file>}; {@code --jfr async,standby,applier} (Java Flight
 * Recorder on those processes, files in {@code bench/target/bench-work/run/*.jfr}; in step 6, {@code primary},
 * {@code standby} and {@code applier} name its own, files in {@code bench/target/bench-work/run/seeding/}).
 * Run it from the project directory (or pass {@code -Dha4neo.project.dir=<dir>}). Work directory:
 * {@code bench/target/bench-work/run}, wiped at start; every child process is stopped at exit.
 */
public final class BenchMain {
    private static final String JAR = "bench/target/bench-0.1.0-SNAPSHOT-all.jar";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        ProjectLayout layout = ProjectLayout.discover(Path.of(""));
        layout.requireAll();
        Outputs outputs = Outputs.choose(options, layout);
        BenchResults results = run(options, layout);
        String markdown = Report.markdown(results);
        write(outputs.markdown(), markdown);
        write(outputs.json(), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
        System.out.println(markdown);
        System.out.println("Markdown: " + outputs.markdown() + "\nJSON: " + outputs.json());
    }

    private static BenchResults run(Options options, ProjectLayout layout) throws Exception {
        Params base = options.quick() ? Params.quick() : Params.full();
        Params p = options.lagLoad() > 0 ? base.withLagLoadFraction(options.lagLoad()) : base;
        Map<String, String> machine = Machine.describe(layout);
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long t0 = System.nanoTime();
        Path workRoot = layout.projectDir().resolve("bench/target/bench-work");
        boolean seedingOnly = "seeding".equals(options.only());
        boolean repairOnly = "repair".equals(options.only());
        boolean zonesOnly = "zones".equals(options.only());
        ProjectLayout artifacts = ArtifactSnapshot.take(layout, layout.projectDir().resolve("bench/target/artifacts"),
                zonesOnly);
        System.out.println("ha4neo bench (" + p.name() + "): starting a broker and the Neo4j servers in " + workRoot);
        try (BenchStack stack = BenchStack.start(artifacts, workRoot, options.jfr(), p.dedicatedLimitServer(),
                seedingOnly || repairOnly || zonesOnly)) {
            System.out.printf("  processes ready after %.1f s%n", (System.nanoTime() - t0) / 1e9);
            if (seedingOnly) {
                StandbySeeding.Result seeding = seeding(p, artifacts, stack, options, new Workload());
                return new BenchResults(p.name(), options.command(), started.toString(),
                        (System.nanoTime() - t0) / 1e9, machine, p, null, null, null, null, null, seeding, null, null,
                        Machine.loadAverage(), null, null);
            }
            if (repairOnly) {
                LogRepairCost.Result repair = repair(p, artifacts, stack, new Workload());
                return new BenchResults(p.name(), options.command(), started.toString(),
                        (System.nanoTime() - t0) / 1e9, machine, p, null, null, null, null, null, null, null, null,
                        Machine.loadAverage(), repair, null);
            }
            if (zonesOnly) {
                ZoneLag.Result zones = zones(p, artifacts, stack, new Workload());
                return new BenchResults(p.name(), options.command(), started.toString(),
                        (System.nanoTime() - t0) / 1e9, machine, p, null, null, null, null, null, null, null, null,
                        Machine.loadAverage(), null, zones);
            }
            try (Drivers d = new Drivers(stack)) {
                return new Steps(p, stack, d, artifacts).runAll(options, machine, started, t0);
            }
        }
    }

    /** Step 6, on the run's broker, with its own servers (the other steps' servers are stopped by then). */
    static StandbySeeding.Result seeding(Params p, ProjectLayout artifacts, BenchStack stack, Options options,
                                         Workload workload) throws Exception {
        System.out.printf("step 6: seeding a standby from a primary holding %d nodes / %d relationships: ha4neo "
                + "bootstrap beside neo4j-admin dump + load%n", p.seedNodes(), 2 * p.seedNodes());
        StandbySeeding.Result r = StandbySeeding.run(p, artifacts, stack.workDir.resolve("seeding"), stack.broker,
                stack.reaper, options.jfr(), workload);
        System.out.printf("  bootstrap ÷ (dump + load) %.2f×; commit rate during bootstrap %.2f×, during verify %.2f×"
                + " of quiet%n", r.onlineOverOffline(), r.duringBootstrapRatio(), r.duringVerifyRatio());
        return r;
    }

    /** Step 7, on the run's broker (which it kills and restarts), with a primary of its own. */
    static LogRepairCost.Result repair(Params p, ProjectLayout artifacts, BenchStack stack, Workload workload)
            throws Exception {
        System.out.printf("step 7: repair from Neo4j's transaction log beside normal capture, %d transactions each, "
                + "%d repetition(s)%n", p.repairTransactions(), p.repetitions());
        LogRepairCost.Result r = LogRepairCost.run(p, artifacts, stack.workDir.resolve("repair"), stack.broker,
                stack.reaper, workload);
        System.out.printf("  repair ÷ capture median %.3f× (min %.3f, max %.3f)%n", r.medianRatio(), r.minRatio(),
                r.maxRatio());
        return r;
    }

    /**
     * Step 8, on the run's broker (zone A) with a second broker of its own (zone B), MirrorMaker 2, a primary and two
     * standbys of its own.
     */
    static ZoneLag.Result zones(Params p, ProjectLayout artifacts, BenchStack stack, Workload workload)
            throws Exception {
        System.out.printf("step 8: lag through two zones (MirrorMaker 2) beside one cluster, at %s of the primary's "
                + "maximum, %d round(s) of %.0f s%n", Report.pct(p.lagLoadFraction()), p.repetitions(), p.lagSeconds());
        ZoneLag.Result r = ZoneLag.run(p, artifacts, stack.workDir.resolve("zones"), stack.broker, stack.reaper,
                workload);
        System.out.printf("  lag p99 two zones ÷ one cluster %.2f× (per round %.2f–%.2f); p50 %.2f×%n", r.p99Ratio(),
                r.minP99Ratio(), r.maxP99Ratio(), r.p50Ratio());
        return r;
    }

    private static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text);
    }

    /** One driver per server, closed with the stack. */
    static final class Drivers implements AutoCloseable {
        final Driver off;
        final Driver async;
        final Driver semi;
        final Driver standby;
        final Driver limit;

        Drivers(BenchStack s) {
            off = s.off.driver();
            async = s.async.driver();
            semi = s.semi.driver();
            standby = s.standby.driver();
            limit = s.limit == s.off ? off : s.limit.driver();
        }

        Map<String, Driver> captureTargets() {
            return Map.of("off", off, "async", async, "semi", semi);
        }

        @Override
        public void close() {
            List.of(off, async, semi, standby, limit).stream().distinct().forEach(Driver::close);
        }
    }

    /** The steps in order, sharing one workload (unique keys across the run). */
    static final class Steps {
        private final Params p;
        private final BenchStack stack;
        private final Drivers d;
        private final ProjectLayout artifacts;
        private final Workload workload = new Workload();

        Steps(Params p, BenchStack stack, Drivers d, ProjectLayout artifacts) {
            this.p = p;
            this.stack = stack;
            this.d = d;
            this.artifacts = artifacts;
        }

        BenchResults runAll(Options options, Map<String, String> machine, Instant started, long t0) throws Exception {
            Map<String, Long> pids = stack.pids();
            System.out.println("step 1: capture overhead (off / async / semi-sync)");
            CaptureOverhead.Result capture = CaptureOverhead.run(p, d.captureTargets(), pids, pids.get("broker"), workload);
            double max = capture.median("async", "txPerSecond");
            startApplierAndCatchUp();
            System.out.printf("step 2: end-to-end lag at %.0f tx/s%n", max * p.lagLoadFraction());
            EndToEndLag.Result lag = EndToEndLag.run(p, d.async, d.standby, stack.applier, pids.get("standby"), max,
                    workload);
            System.out.printf("  lag p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", lag.lag().p50Ms(), lag.lag().p99Ms(),
                    lag.lag().maxMs());
            if ("lag".equals(options.only())) {
                return new BenchResults(p.name(), options.command(), started.toString(),
                        (System.nanoTime() - t0) / 1e9, machine, p, capture, lag, null, null, null, null,
                        peakRss(stack.pids()), null, Machine.loadAverage(), null, null);
            }
            System.out.println("step 3: applier drain vs physical limit");
            ApplyThroughput.Result drain = ApplyThroughput.run(p, d.async, d.limit, stack.limit.pid(), stack.applier,
                    pids.get("standby"), max, workload);
            System.out.printf("  applier %.0f tx/s, limit %.0f tx/s%n", drain.applierTxPerSecond(), drain.limitTxPerSecond());
            System.out.println("step 4: bulk end to end");
            BulkReplication.Result bulk = BulkReplication.run(p, d.off, d.async, d.standby, stack.applier, workload);
            Map<String, Double> rss = peakRss(stack.pids());
            System.out.println("step 5: planned switchovers (ha4neo switchover) between the async primary and its standby");
            stack.asyncApplier.start();
            Switchovers.Result switchover = Switchovers.run(p.switchovers(), stack, stack.workDir.resolve("ops"));
            System.out.printf("  switchover RTO median %d ms (min %d, max %d) over %d%n", switchover.medianMillis(),
                    switchover.minMillis(), switchover.maxMillis(), switchover.rtoMillis().size());
            stack.stopAllButBroker();
            StandbySeeding.Result seeding = seeding(p, artifacts, stack, options, workload);
            LogRepairCost.Result repair = repair(p, artifacts, stack, workload);
            return new BenchResults(p.name(), options.command(), started.toString(), (System.nanoTime() - t0) / 1e9,
                    machine, p, capture, lag, drain, bulk, switchover, seeding, rss, cpu(capture, lag, drain),
                    Machine.loadAverage(), repair, null);
        }

        private void startApplierAndCatchUp() throws InterruptedException {
            stack.applier.start();
            long published = ReplicationWatch.awaitPublished(d.async, 300);
            System.out.println("  applier started; catching up to commit id " + published);
            ReplicationWatch.awaitApplied(stack.applier, published, 1800);
        }

        private static Map<String, Double> peakRss(Map<String, Long> pids) {
            Map<String, Double> rss = new LinkedHashMap<>();
            pids.forEach((name, pid) -> rss.put(name, ProcStats.peakRssMb(pid)));
            return rss;
        }

        private static Map<String, Double> cpu(CaptureOverhead.Result c, EndToEndLag.Result lag,
                                               ApplyThroughput.Result drain) {
            double off = c.median("off", "serverCpuPer1000");
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("server without plugin (step 1, closed loop)", off);
            m.put("async primary (step 1)", c.median("async", "serverCpuPer1000"));
            m.put("semi-sync primary (step 1)", c.median("semi", "serverCpuPer1000"));
            m.put("**plugin share, async** (async primary − no plugin)", c.median("async", "serverCpuPer1000") - off);
            m.put("**plugin share, semi-sync** (semi-sync primary − no plugin)", c.median("semi", "serverCpuPer1000") - off);
            m.put("Kafka broker during async rounds (step 1)", c.median("async", "brokerCpuPer1000"));
            m.put("Kafka broker during semi-sync rounds (step 1)", c.median("semi", "brokerCpuPer1000"));
            m.put("**applier** at 50 % load (step 2)", lag.applierCpuPer1000());
            m.put("**applier** draining a backlog (step 3)", drain.applierCpuPer1000());
            m.put("standby Neo4j at 50 % load (step 2)", lag.standbyCpuPer1000());
            m.put("standby Neo4j while the applier drains (step 3)", drain.standbyCpuPer1000());
            m.put("limit server, plain UNWIND batches (step 3)", drain.limitServerCpuPer1000());
            return m;
        }
    }

    /**
     * Command-line options.
     *
     * @param quick small sizes, one repetition, output to a temp directory
     * @param out Markdown destination, or null for the default
     * @param json JSON destination, or null for the default
     * @param jfr processes to record with JFR
     * @param only null for every step, {@code seeding}: step 6 alone, on a broker of its own, {@code repair}: step 7
     *             alone, likewise, {@code zones}: step 8 (only ever alone), likewise, or {@code lag}: steps 1 and 2
     * @param lagLoad step 2's offered rate as a fraction of the measured maximum, 0 for the default
     * @param args the raw arguments
     */
    record Options(boolean quick, Path out, Path json, List<String> jfr, String only, double lagLoad, List<String> args) {
        static final String USAGE = "usage: [--quick] [--only seeding|repair|lag|zones] [--lag-load 0.5] [--out file.md] [--json file.json] "
                + "[--jfr async,standby,applier,primary]";

        static Options parse(String[] args) {
            boolean quick = false;
            Path out = null;
            Path json = null;
            List<String> jfr = new ArrayList<>();
            String only = null;
            double lagLoad = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--out" -> out = Path.of(value(args, ++i));
                    case "--json" -> json = Path.of(value(args, ++i));
                    case "--jfr" -> jfr.addAll(Arrays.asList(value(args, ++i).split(",")));
                    case "--only" -> only = value(args, ++i);
                    case "--lag-load" -> lagLoad = fraction(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
                }
            }
            if (only != null && !List.of("seeding", "repair", "lag", "zones").contains(only)) {
                throw new IllegalArgumentException("--only " + only + ": the steps that run alone are seeding, repair, "
                        + "lag and zones; " + USAGE);
            }
            return new Options(quick, out, json, List.copyOf(jfr), only, lagLoad, List.of(args));
        }

        private static double fraction(String text) {
            try {
                double f = Double.parseDouble(text);
                if (f > 0 && f <= 1) {
                    return f;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--lag-load " + text + ": a fraction of the primary's maximum rate, "
                    + "above 0 and at most 1 (0.5 by default); " + USAGE);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        String command() {
            return ("java -jar " + JAR + " " + String.join(" ", args)).trim();
        }
    }

    /**
     * Where the report goes: a full run writes BENCHMARKS.md and bench/results/; a quick run, or one step alone,
     * writes to a fresh temp directory unless {@code --out}/{@code --json} say otherwise.
     */
    record Outputs(Path markdown, Path json) {
        static Outputs choose(Options o, ProjectLayout layout) throws IOException {
            String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
            boolean temp = o.quick() || o.only() != null;
            Path defaultDir = temp ? Files.createTempDirectory("ha4neo-bench-") : null;
            Path md = o.out() != null ? o.out()
                    : temp ? defaultDir.resolve("BENCHMARKS.md") : layout.projectDir().resolve("BENCHMARKS.md");
            Path json = o.json() != null ? o.json()
                    : temp ? defaultDir.resolve("results.json")
                    : layout.projectDir().resolve("bench/results/full-" + stamp + ".json");
            return new Outputs(md, json);
        }
    }
}
