package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.handover.HandoverReport;
import io.ha4neo.topology.handover.HandoverSeams;
import io.ha4neo.topology.handover.HandoverText;
import io.ha4neo.topology.handover.Outcome;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What switchover and failover share: {@code --to}, a 30 s default for each step, and the rendering of a
 * {@link HandoverReport} (text, or JSON with {@code --json}) with its exit code.
 */
abstract class HandoverCommand extends OpsCommand {
    /** Each step's default wait: a standby's catch-up and a promotion take seconds, not one round trip. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--to", required = true, paramLabel = "<member>", description = "The member to promote.")
    String target;

    @Override
    protected final int run(ClusterClients clients, PrintWriter out) {
        HandoverReport report;
        try {
            report = run(clients, ops().seams(clients));
        } catch (IllegalArgumentException e) {
            err().println("ha4neo " + spec().name() + ": --to: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (ops().json()) {
            out.println(OpsJson.write(report));
        } else {
            HandoverText.lines(report).forEach(out::println);
        }
        return exitCode(report.outcome());
    }

    /** The operation itself. */
    protected abstract HandoverReport run(ClusterClients clients, HandoverSeams seams);

    @Override
    protected Duration defaultTimeout() {
        return STEP_TIMEOUT;
    }

    /** Connections give up sooner than steps: a member that does not answer at all should not cost 30 s. */
    @Override
    protected Duration clientTimeout() {
        return timeoutCappedAtDefault();
    }

    static int exitCode(Outcome outcome) {
        return switch (outcome) {
            case DONE -> ExitCodes.OK;
            case FAILED, REFUSED -> ExitCodes.UNHEALTHY;
            case NEEDS_FORCE -> ExitCodes.USAGE;
        };
    }
}
