package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.verify.BoltMemberGraph;
import io.ha4neo.topology.verify.BoltReplicationSync;
import io.ha4neo.topology.verify.Throttle;
import io.ha4neo.topology.verify.Verification;
import io.ha4neo.topology.verify.VerifyException;
import io.ha4neo.topology.verify.VerifyOptions;
import io.ha4neo.topology.verify.VerifyReport;
import io.ha4neo.topology.verify.VerifyText;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ha4neo verify --standby <member>}: compares the primary's and a standby's graph while writes continue
 * ({@link Verification}; docs/verify.md). Exits 0 when they are equal, 1 when they differ, 2 when verify cannot tell.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares the primary and the standby --standby entity by entity, while writes continue: every "
                + "node (labels, properties with their exact types), every relationship (type, properties, endpoints) "
                + "and every index and constraint, identified by replication key; ha4neo's own names are left out.",
                "Reads the primary in chunks of internal ids (--chunk-size, at most --rate ids per second); after "
                        + "each --window of entities it waits until the standby has applied the primary's position and "
                        + "looks the same keys up on it. Then it reads the standby and looks up on the primary what it "
                        + "has not found equal yet (extras). Entities that differed are read again by key on both "
                        + "members, up to --rounds times: one that matches in any round was in flight, one that "
                        + "differs in every round is listed with both members' contents.",
                "--timeout bounds the wait for the standby to catch up and each read (default 30 s)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.EQUAL_HELP, ExitCodes.DIFFERENT_HELP, ExitCodes.VERIFY_ERROR_HELP})
final class VerifyCommand extends OpsCommand {
    /** The standby's catch-up and the reads: a standby under load may need seconds. */
    static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--primary", paramLabel = "<member>",
            description = "The primary to compare against (default: the member that is primary).")
    String primary;

    @Option(names = "--standby", required = true, paramLabel = "<member>", description = "The standby to verify.")
    String standby;

    @Option(names = "--chunk-size", paramLabel = "<ids>", description = "Internal ids per read (default "
            + VerifyOptions.DEFAULT_CHUNK_SIZE + ").")
    int chunkSize = VerifyOptions.DEFAULT_CHUNK_SIZE;

    @Option(names = "--rate", paramLabel = "<ids/s>", description = "Most ids read per second from a member (default "
            + VerifyOptions.DEFAULT_RATE + "; 0: no limit). Bounds verify's load on the primary.")
    long rate = VerifyOptions.DEFAULT_RATE;

    @Option(names = "--window", paramLabel = "<entities>", description = "Entities read on the primary before "
            + "verify waits for the standby to apply the primary's position and looks them up on it (default "
            + VerifyOptions.DEFAULT_WINDOW + "). What is written during one window may be in flight and is read "
            + "again; a smaller window means fewer such suspects under heavy writes, a larger one fewer waits.")
    int window = VerifyOptions.DEFAULT_WINDOW;

    @Option(names = "--rounds", paramLabel = "<n>", description = "How often an entity that differs is read again "
            + "before it is reported (default " + VerifyOptions.DEFAULT_ROUNDS + ").")
    int rounds = VerifyOptions.DEFAULT_ROUNDS;

    @Option(names = "--max-differences", paramLabel = "<n>", description = "Stop looking after this many suspects "
            + "(default " + VerifyOptions.DEFAULT_MAX_DIFFERENCES + "); the report then says it is incomplete.")
    int maxDifferences = VerifyOptions.DEFAULT_MAX_DIFFERENCES;

    @Override
    protected int run(ClusterClients clients, PrintWriter out) {
        long start = System.nanoTime();
        ClusterDescription cluster = clients.cluster();
        VerifyReport report;
        try {
            VerifyOptions options = options();
            Member s = cluster.requireMember(standby);
            Member p = MemberRoles.primaryFor(clients, s, primary, VerifyException::new);
            report = new Verification(cluster.database(), new BoltMemberGraph(clients, p, timeout()),
                    new BoltMemberGraph(clients, s, timeout()), new BoltReplicationSync(clients, p, s, timeout()),
                    options, Throttle.of(options.rate()), d -> Thread.sleep(d.toMillis()), System::nanoTime,
                    line -> err().println("ha4neo verify: " + line)).run();
        } catch (VerifyException | IllegalArgumentException e) {
            report = VerifyReport.error(primary, standby, cluster.database(), (System.nanoTime() - start) / 1_000_000,
                    e.getMessage());
        }
        if (ops().json()) {
            out.println(OpsJson.write(report));
        } else {
            VerifyText.lines(report).forEach(out::println);
        }
        return exitCode(report.outcome());
    }

    static int exitCode(VerifyReport.Outcome outcome) {
        return switch (outcome) {
            case EQUAL -> ExitCodes.OK;
            case DIFFERENT -> ExitCodes.UNHEALTHY;
            case UNSETTLED, ERROR -> ExitCodes.USAGE;
        };
    }

    private VerifyOptions options() {
        VerifyOptions d = VerifyOptions.defaults(timeout());
        return new VerifyOptions(chunkSize, rate, rounds, d.roundPause(), maxDifferences, window, timeout());
    }

    @Override
    protected Duration defaultTimeout() {
        return VERIFY_TIMEOUT;
    }

    /** Connections give up sooner than the standby's catch-up, as for switchover. */
    @Override
    protected Duration clientTimeout() {
        return timeoutCappedAtDefault();
    }

    @Override
    protected int failureExitCode() {
        return ExitCodes.USAGE;
    }
}
