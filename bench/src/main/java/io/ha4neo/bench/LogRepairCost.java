package io.ha4neo.bench;

import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.Logs;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProcessReaper;
import io.ha4neo.launcher.process.ProjectLayout;
import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.schemas.contract.StatusColumns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.neo4j.driver.Driver;

/**
 * Step 7, the cost of a repair from Neo4j's transaction log (issue 15) beside normal capture of the same number of
 * transactions, in the same run on the same primary. Per repetition:
 * <ol>
 *   <li><b>normal capture</b>: with the broker up, N small transactions ({@link Workload#SMALL_TX}, unique keys,
 *       closed loop); T_capture runs from the first commit's start until {@code ha4neo.status()} shows
 *       {@code lastPublishedId} at Neo4j's last commit id;</li>
 *   <li><b>repair</b>: the broker is killed, N more such transactions commit (the spool holds them, Kafka does not),
 *       the primary is killed with kill -9, its spool directory is deleted (what an OS crash can do to unsynced
 *       files), and the broker and the primary start again together, as after a host's crash (the plugin waits for
 *       Kafka at start-up, {@code ha4neo.startup.kafka.timeout.ms}, before it repairs; a killed broker's restart
 *       spends ~10 s waiting out its old session, which would otherwise add to the step's wall time). At start-up the
 *       plugin rebuilds the lost range from Neo4j's transaction log and the store as one repair event and logs
 *       {@code ha4neo: repaired commit ids a..b (...) ... in N ms}: T_repair is that N (reading the log, reading the
 *       touched entities from the store, spooling the event; the wait for Kafka comes before it). The step fails
 *       unless exactly one such line is new and its range covers the N lost commits.</li>
 * </ol>
 * Before each capture phase the primary runs the same load for {@link Params#warmupSeconds()} unmeasured, so that
 * T_capture is a warm primary's (the repair always runs in a JVM that just started).
 *
 * <p>Its own server {@code repair-primary} (runner defaults: heap 512m, page cache 128m) with its own topic and
 * cluster id, on the run's broker, which this step kills and restarts once per repetition. At the end the primary is
 * killed, not stopped: its store is thrown away, and a graceful stop spends 10 s in Bolt's shutdown quiet period.
 */
final class LogRepairCost {
    static final String TOPIC = "ha4neo.bench.repair";
    static final String PRIMARY = "repair-primary";
    private static final String CLUSTER_ID = BenchStack.CLUSTER_ID + "-repair";
    private static final String DATABASE = "neo4j";
    /** The plugin's WARN line, see {@code CaptureService.repairOrGap}. */
    static final Pattern REPAIRED = Pattern.compile("ha4neo: repaired commit ids (\\d+)\\.\\.(\\d+) \\((\\d+) touching "
            + "entities\\).*? from Neo4j's transaction log in (\\d+) ms");
    private static final double PUBLISH_TIMEOUT_SECONDS = 300;
    private static final double REPAIR_LINE_TIMEOUT_SECONDS = 120;

    /**
     * One repetition.
     *
     * @param repetition 1-based
     * @param transactions N, committed in each phase
     * @param captureMillis T_capture: first commit's start → {@code lastPublishedId} ≥ the last commit id
     * @param commitMillis the commits alone (part of T_capture), for reference
     * @param repairedFirstId first commit id of the repaired range (from the log line)
     * @param repairedLastId last commit id of the repaired range
     * @param touchingTransactions commits of the range that touched an entity, as the plugin counted them
     * @param repairMillis T_repair: the plugin's own figure in its log line
     * @param restartMillis {@code start()} of the killed primary, launched with the broker's: Neo4j's recovery, the
     *                      wait for Kafka, the repair and the start of the database until it answers Bolt
     *                      (informative)
     * @param publishedAfterStartMillis from {@code start()} returning until {@code lastPublishedId} reached the
     *                                  repaired range's end (informative)
     * @param ratio T_repair ÷ T_capture
     */
    record Repetition(int repetition, int transactions, double captureMillis, double commitMillis,
                      long repairedFirstId, long repairedLastId, long touchingTransactions, long repairMillis,
                      double restartMillis, double publishedAfterStartMillis, double ratio) {
    }

    /**
     * What the step measured.
     *
     * @param writerThreads client threads of both phases
     * @param warmupSeconds unmeasured load before each capture phase
     * @param repetitions each repetition, in order
     * @param medianRatio median of T_repair ÷ T_capture over the repetitions
     * @param minRatio the smallest ratio
     * @param maxRatio the largest ratio
     */
    record Result(int writerThreads, double warmupSeconds, List<Repetition> repetitions, double medianRatio,
                  double minRatio, double maxRatio) {
        static Result of(int writerThreads, double warmupSeconds, List<Repetition> repetitions) {
            return new Result(writerThreads, warmupSeconds, List.copyOf(repetitions),
                    CaptureOverhead.Stats.median(repetitions, Repetition::ratio),
                    repetitions.stream().mapToDouble(Repetition::ratio).min().orElse(Double.NaN),
                    repetitions.stream().mapToDouble(Repetition::ratio).max().orElse(Double.NaN));
        }
    }

    /** A parsed repair line of neo4j.log. */
    record RepairLine(long first, long last, long touching, long millis) {
    }

    private LogRepairCost() {
    }

    static Result run(Params p, ProjectLayout layout, Path workDir, KafkaBroker broker, ProcessReaper reaper,
                      Workload workload) throws Exception {
        WorkDirs.deleteRecursively(workDir, "the previous repair step");
        Credentials applierUser = Credentials.generated(Credentials.APPLIER_USER);
        Neo4jServer primary = Neo4jServer.builder(PRIMARY, layout.neo4jLibDir(), workDir.resolve(PRIMARY), reaper)
                .readinessTimeout(Duration.ofSeconds(300)).plugin(layout.pluginJar())
                .settings(plugin(broker, applierUser)).user(applierUser).build();
        List<Repetition> repetitions = new ArrayList<>();
        try {
            primary.start();
            for (int rep = 1; rep <= p.repetitions(); rep++) {
                Repetition r = repetition(p, rep, primary, broker, workload);
                System.out.printf("  repair rep %d: %d tx; capture %.0f ms (commits %.0f ms), repair of commit ids "
                        + "%d..%d %d ms: %.3f×; restart %.1f s, repair published %.0f ms after%n", rep,
                        r.transactions(), r.captureMillis(), r.commitMillis(), r.repairedFirstId(), r.repairedLastId(),
                        r.repairMillis(), r.ratio(), r.restartMillis() / 1000, r.publishedAfterStartMillis());
                repetitions.add(r);
            }
            return Result.of(p.writerThreads(), p.warmupSeconds(), repetitions);
        } finally {
            primary.kill();
            if (!broker.isRunning()) { // a failure during the outage: the run's broker stays up for what follows
                try {
                    broker.start();
                } catch (RuntimeException e) {
                    System.out.println("  step 7: could not restart the broker after a failure: " + e.getMessage());
                }
            }
        }
    }

    private static Repetition repetition(Params p, int rep, Neo4jServer primary, KafkaBroker broker,
                                         Workload workload) throws Exception {
        int n = p.repairTransactions();
        double captureMillis;
        double commitMillis;
        long topicLast;
        long lostLast;
        try (Driver d = primary.driver()) {
            new WriteLoad(d, workload, p.writerThreads()).closedLoop(p.warmupSeconds());
            ReplicationWatch.awaitPublished(d, PUBLISH_TIMEOUT_SECONDS);

            long t0 = System.nanoTime();
            WriteLoad.Result committed = new WriteLoad(d, workload, p.writerThreads()).count(n);
            long captureLast = ReplicationWatch.lastCommittedId(d);
            topicLast = ReplicationWatch.awaitPublishedId(d, captureLast, PUBLISH_TIMEOUT_SECONDS);
            captureMillis = (System.nanoTime() - t0) / 1e6;
            commitMillis = committed.seconds() * 1e3;
            require(committed.transactions() == n, "the capture phase committed " + committed.transactions()
                    + " transactions, not " + n);

            broker.kill();
            WriteLoad.Result lost = new WriteLoad(d, workload, p.writerThreads()).count(n);
            require(lost.transactions() == n, "with the broker down, " + lost.transactions() + " of " + n
                    + " transactions committed");
            lostLast = ReplicationWatch.lastCommittedId(d);
            require(lostLast - topicLast >= n, "commit ids " + (topicLast + 1) + ".." + lostLast + " cannot hold the "
                    + n + " transactions committed while the broker was down");
        }
        int linesBefore = repairLines(primary).size();
        primary.kill();
        Path spool = primary.homeDir().resolve("data").resolve("ha4neo").resolve(DATABASE);
        require(Files.isDirectory(spool), "the primary's spool " + spool + " does not exist: where does the plugin "
                + "spool now?");
        WorkDirs.deleteRecursively(spool, "the repair primary's spool");
        AtomicReference<RuntimeException> brokerFailure = new AtomicReference<>();
        Thread brokerStart = new Thread(() -> {
            try {
                broker.start();
            } catch (RuntimeException e) {
                brokerFailure.set(e);
            }
        }, "start-broker");
        brokerStart.start();
        long s0 = System.nanoTime();
        try {
            primary.start();
        } finally {
            brokerStart.join();
        }
        long started = System.nanoTime();
        if (brokerFailure.get() != null) {
            throw brokerFailure.get();
        }
        RepairLine line = awaitRepairLine(primary, linesBefore);
        try (Driver d = primary.driver()) {
            ReplicationWatch.awaitPublishedId(d, line.last(), PUBLISH_TIMEOUT_SECONDS);
            double publishedMillis = (System.nanoTime() - started) / 1e6;
            List<RepairLine> all = repairLines(primary);
            List<RepairLine> fresh = all.subList(linesBefore, all.size());
            require(fresh.size() == 1, fresh.size() + " repair lines appeared in " + primary.logFile()
                    + " at this start, not one: " + fresh + "; status: " + ReplicationWatch.status(d));
            require(line.first() <= topicLast + 1 && line.last() >= lostLast, "the repair covers commit ids "
                    + line.first() + ".." + line.last() + ", not the " + n + " commits " + (topicLast + 1) + ".."
                    + lostLast + " lost with the spool");
            return new Repetition(rep, n, captureMillis, commitMillis, line.first(), line.last(), line.touching(),
                    line.millis(), (started - s0) / 1e6, publishedMillis, line.millis() / captureMillis);
        }
    }

    /** Waits until a repair line beyond the first {@code before} is in neo4j.log; fails naming the gaps if any. */
    private static RepairLine awaitRepairLine(Neo4jServer primary, int before) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (REPAIR_LINE_TIMEOUT_SECONDS * 1e9);
        while (true) {
            List<RepairLine> lines = repairLines(primary);
            if (lines.size() > before) {
                return lines.get(before);
            }
            if (System.nanoTime() > deadline) {
                String gaps;
                try (Driver d = primary.driver()) {
                    gaps = ReplicationWatch.status(d).get(StatusColumns.GAPS).toString();
                } catch (RuntimeException e) {
                    gaps = "(status unavailable: " + e.getMessage() + ")";
                }
                throw new IllegalStateException("no new 'ha4neo: repaired commit ids' line in " + primary.logFile()
                        + " within " + REPAIR_LINE_TIMEOUT_SECONDS + " s of the primary's start after its spool was "
                        + "deleted; status gaps: " + gaps + "; last lines:\n" + Logs.tail(primary.logFile(), 30));
            }
            Thread.sleep(100);
        }
    }

    /** Every repair line of the primary's neo4j.log, in order. */
    static List<RepairLine> repairLines(Neo4jServer primary) {
        Path log = primary.logFile();
        if (!Files.isRegularFile(log)) {
            return List.of();
        }
        String text;
        try {
            text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        return parse(text);
    }

    static List<RepairLine> parse(String log) {
        List<RepairLine> lines = new ArrayList<>();
        Matcher m = REPAIRED.matcher(log);
        while (m.find()) {
            lines.add(new RepairLine(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
        }
        return lines;
    }

    private static Map<String, String> plugin(KafkaBroker broker, Credentials applierUser) {
        Map<String, String> s = BenchPlugin.settings("primary", CLUSTER_ID, TOPIC, broker, applierUser);
        s.put("ha4neo.durability", "async");
        // the broker restarts beside the primary: after a kill -9 with the full run's topics it may take a while
        s.put("ha4neo.startup.kafka.timeout.ms", "300000");
        return s;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("step 7 (repair): " + message);
        }
    }
}
