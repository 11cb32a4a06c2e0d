package io.ha4neo.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.topology.cli.OpsCli;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.handover.HandoverReport;
import io.ha4neo.topology.handover.HandoverText;
import io.ha4neo.topology.handover.Outcome;
import io.ha4neo.topology.status.MemberStatus;
import io.ha4neo.topology.status.StatusProbe;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.neo4j.driver.Session;
import picocli.CommandLine;

/**
 * {@code ./stack switchover}: moves the primary role of the running stack to its standby and back again, with the ops
 * CLI ({@code ha4neo switchover --to <standby> --json}, run in this JVM), while a {@link DemoWorkload.Writer} keeps
 * writing to whichever member accepts writes. Prints each switchover's steps and RTO, then what the writer saw (writes
 * acknowledged, refused and retried, the longest wait for one write) and how many of its writes each member has: all
 * of them on both, or the round trip lost something.
 *
 * <ol>
 *   <li>find the current primary P and standby S ({@code ha4neo.status()} on both members);</li>
 *   <li>start the writer; let it write for {@code pause};</li>
 *   <li>switchover to S; pause; switchover back to P; pause;</li>
 *   <li>stop the writer; wait until both members have every acknowledged write.</li>
 * </ol>
 */
final class StackSwitchover {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path stateDir;
    private final PrintStream out;
    private final Duration pause;
    private final String run = UUID.randomUUID().toString();

    StackSwitchover(Path stateDir, PrintStream out, Duration pause) {
        this.stateDir = stateDir;
        this.out = out;
        this.pause = pause;
    }

    /** The round trip; returns the exit code: 0 when both switchovers are done and no write is missing. */
    int run() throws InterruptedException {
        requireRunningStack();
        ClusterDescription cluster = StackCluster.load(stateDir);
        try (ClusterClients clients = new ClusterClients(cluster, Duration.ofSeconds(10))) {
            StatusProbe probe = new StatusProbe(clients);
            List<MemberStatus> members = probe.members();
            String primary = MemberStatus.writablePrimary(members).map(MemberStatus::name).orElseThrow(() ->
                    new IllegalStateException("no member accepts writes now; see ./stack ops status"));
            String standby = members.stream().filter(MemberStatus::isStandby).map(MemberStatus::name)
                    .filter(name -> !name.equals(primary)).findFirst().orElseThrow(() ->
                            new IllegalStateException("no member is a standby of " + primary + "; see ./stack ops "
                                    + "status"));
            return roundTrip(clients, probe, primary, standby);
        }
    }

    private int roundTrip(ClusterClients clients, StatusProbe probe, String primary, String standby)
            throws InterruptedException {
        DemoWorkload.Writer writer = new DemoWorkload.Writer(new BoltTarget(clients, probe, run), Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()), Duration.ofMillis(50));
        out.println("demo workload writing to " + primary + " (run " + run + ")");
        writer.start();
        Thread.sleep(pause.toMillis());
        List<HandoverReport> legs = new ArrayList<>();
        legs.add(leg(1, standby));
        if (legs.get(0).outcome() == Outcome.DONE) {
            Thread.sleep(pause.toMillis());
            legs.add(leg(2, primary));
        }
        Thread.sleep(pause.toMillis());
        DemoWorkload.Stats stats = writer.stop();
        boolean complete = reportWrites(clients, stats);
        boolean done = legs.size() == 2 && legs.stream().allMatch(r -> r.outcome() == Outcome.DONE);
        out.println(done ? "round trip done: " + String.join(", ", legs.stream().map(StackSwitchover::rto).toList())
                : "round trip NOT done: see the failed switchover above");
        return done && complete ? 0 : 1;
    }

    private HandoverReport leg(int number, String to) {
        out.println();
        out.println("switchover " + number + " of 2: to " + to);
        HandoverReport report = switchover(to);
        HandoverText.lines(report).forEach(out::println);
        return report;
    }

    private static String rto(HandoverReport r) {
        return r.from() + " -> " + r.to() + " RTO " + r.rtoMillis() + " ms";
    }

    /** The ops CLI, exactly as {@code ./stack ops switchover --to <member> --json} runs it. */
    private HandoverReport switchover(String to) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new OpsCli(StackCluster.environment(stateDir)));
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));
        int code = cli.execute("--cluster", stateDir.resolve(LocalStack.CLUSTER_FILE).toString(), "switchover",
                "--to", to, "--json");
        if (stdout.toString().isBlank()) {
            throw new IllegalStateException("ha4neo switchover --to " + to + " exited " + code + ": " + stderr);
        }
        return parse(stdout.toString());
    }

    /** The report that {@code ha4neo switchover --json} printed. */
    static HandoverReport parse(String json) {
        try {
            return JSON.readValue(json, HandoverReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException("ha4neo switchover --json printed no report: " + json, e);
        }
    }

    /** Prints the writer's figures and each member's count of this run's writes; true when none is missing. */
    private boolean reportWrites(ClusterClients clients, DemoWorkload.Stats stats) throws InterruptedException {
        out.println();
        out.println("demo workload: " + stats.acknowledged() + " writes acknowledged; " + stats.refused()
                + " refused and retried after finding the primary again (" + stats.primaryChanges() + " moves); "
                + "longest wait for one write " + stats.longestWaitMillis() + " ms");
        Map<String, Long> counts = awaitCounts(clients, stats.acknowledged());
        out.println("writes of this run on each member: " + counts + " (acknowledged " + stats.acknowledged() + ")");
        boolean complete = counts.values().stream().allMatch(n -> n >= stats.acknowledged());
        if (!complete) {
            out.println("MISSING WRITES: a member has fewer than were acknowledged (after " + CATCH_UP.toSeconds()
                    + " s); see ./stack ops status");
        }
        return complete;
    }

    /** Each member's count of this run's writes, once all have every acknowledged write or after CATCH_UP. */
    private Map<String, Long> awaitCounts(ClusterClients clients, long acknowledged) throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (true) {
            Map<String, Long> counts = new java.util.LinkedHashMap<>();
            clients.cluster().members().forEach(m -> counts.put(m.name(), count(clients, m).orElse(-1L)));
            if (counts.values().stream().allMatch(n -> n >= acknowledged) || System.nanoTime() > deadline) {
                return counts;
            }
            Thread.sleep(250);
        }
    }

    private Optional<Long> count(ClusterClients clients, Member member) {
        try (Session session = clients.session(member)) {
            return Optional.of(session.run(DemoWorkload.COUNT, Map.of("run", run)).single().get("n").asLong());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void requireRunningStack() {
        if (StackState.read(stateDir).flatMap(StackState::liveLauncher).isEmpty()) {
            throw new IllegalStateException("no stack is running from " + stateDir + "; start it with ./stack up");
        }
    }

    /** The writer's target over Bolt: auto-commit writes (no driver retries) to the member that accepts writes. */
    private record BoltTarget(ClusterClients clients, StatusProbe probe, String run) implements DemoWorkload.Target {
        @Override
        public Optional<String> writablePrimary() {
            return MemberStatus.writablePrimary(probe.members()).map(MemberStatus::name);
        }

        @Override
        public void write(String member, long seq) {
            try (Session session = clients.session(clients.cluster().requireMember(member))) {
                session.run(DemoWorkload.WRITE, Map.of("run", run, "seq", seq)).consume();
            }
        }
    }
}
