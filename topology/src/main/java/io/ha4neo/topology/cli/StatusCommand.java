package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.status.ClusterStatus;
import io.ha4neo.topology.status.StatusProbe;
import io.ha4neo.topology.status.StatusTable;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ha4neo status}: every member's role and progress, the topic's end offset, and what is wrong. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"For every member: reachable, role (primary, standby or fenced), epoch, whether a primary is "
                + "frozen by a switchover, publisher state, last committed and published commit id (primary), applied "
                + "commit id and lag in commits (standby), the size of a fenced member's divergent tail, its "
                + "applier's readiness (when the cluster file names the applier's URL); and the topic's end offset "
                + "in Kafka.",
                "Exits 1 when any member is unreachable or fenced, no member or more than one is primary, the primary "
                + "is frozen or its publisher is not PUBLISHING, or Kafka does not answer. Each problem names the "
                + "command that fixes it (switchover, failover, rejoin)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP})
final class StatusCommand extends OpsCommand {
    @Override
    protected int run(ClusterClients clients, PrintWriter out) {
        ClusterStatus status = new StatusProbe(clients).probe();
        if (ops().json()) {
            out.println(OpsJson.write(status));
        } else {
            StatusTable.lines(status).forEach(out::println);
        }
        return status.healthy() ? ExitCodes.OK : ExitCodes.UNHEALTHY;
    }
}
