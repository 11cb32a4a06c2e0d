package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.handover.Outcome;
import io.ha4neo.topology.handover.Rejoin;
import io.ha4neo.topology.handover.RejoinReport;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ha4neo rejoin <member> [--discard-tail]}: a former primary follows the current one ({@link Rejoin}). */
@Command(name = "rejoin", mixinStandardHelpOptions = true,
        description = {"Makes a former primary (frozen by an interrupted switchover, replaced by a failover, or "
                + "FENCED) a standby of the current primary, from the handover point where its epoch ended.",
                "When it holds commits the log does not have (its divergent tail), it stays FENCED and lists them; "
                        + "--discard-tail undoes them and makes it a standby.",
                "Prints the role it ended in, the handover point it follows from and the divergent tail. Exits 1 "
                        + "when it is still fenced or the call failed."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP})
final class RejoinCommand extends OpsCommand {
    @Parameters(index = "0", paramLabel = "<member>", description = "The member to rejoin.")
    private String member;

    @Option(names = "--discard-tail", description = "Give up the commits the log does not have: the member undoes "
            + "them and follows (they stay in the plugin's export file; keep what you need of them first).")
    private boolean discardTail;

    @Override
    protected int run(ClusterClients clients, PrintWriter out) {
        RejoinReport report;
        try {
            report = new Rejoin(clients.cluster(), ops().seams(clients)).run(member, discardTail);
        } catch (IllegalArgumentException e) {
            err().println("ha4neo rejoin: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (ops().json()) {
            out.println(OpsJson.write(report));
        } else {
            report.lines().forEach(out::println);
        }
        return report.outcome() == Outcome.DONE ? ExitCodes.OK : ExitCodes.UNHEALTHY;
    }
}
