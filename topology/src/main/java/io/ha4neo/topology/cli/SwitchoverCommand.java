package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.handover.HandoverReport;
import io.ha4neo.topology.handover.HandoverSeams;
import io.ha4neo.topology.handover.Switchover;
import picocli.CommandLine.Command;

/** {@code ha4neo switchover --to <member>}: a planned change of primary that loses no commit ({@link Switchover}). */
@Command(name = "switchover", mixinStandardHelpOptions = true,
        description = {"Moves the primary role to the standby --to, losing no commit: freezes the primary (client "
                + "writes refused), waits until the target has applied the primary's last event, promotes the target "
                + "(it accepts writes), and makes the old primary its standby (rejoin).",
                "Prints each step with its duration, then the RPO (commits the target lacks: 0) and the RTO (how long "
                        + "client writes were refused, freeze to promotion).",
                "If the target cannot catch up or be promoted, the primary is unfrozen and stays primary. --timeout "
                        + "bounds each step (default 30 s)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP})
final class SwitchoverCommand extends HandoverCommand {
    @Override
    protected HandoverReport run(ClusterClients clients, HandoverSeams seams) {
        return new Switchover(clients.cluster(), seams).run(target, timeout());
    }
}
