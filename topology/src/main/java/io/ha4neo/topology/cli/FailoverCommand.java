package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.handover.Failover;
import io.ha4neo.topology.handover.HandoverReport;
import io.ha4neo.topology.handover.HandoverSeams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ha4neo failover --to <member>}: promotes a standby when the primary is gone ({@link Failover}). */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = {"Promotes the standby --to when the primary is gone: reads the log's last event from Kafka, "
                + "waits until the target has applied it, and promotes the target from there. If the log moves on "
                + "meanwhile (the old primary still publishes), reads it again and retries, at most "
                + Failover.MAX_RETRIES + " times.",
                "RPO: the log's last event; whatever the old primary committed after it is its divergent tail, which "
                        + "it reports when it restarts (ha4neo status, ha4neo rejoin). The time to recovery is the "
                        + "duration of the command.",
                "Refuses (exit 2) while a member is up as a primary that accepts writes: use switchover. --timeout "
                        + "bounds each step (default 30 s)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP})
final class FailoverCommand extends HandoverCommand {
    @Option(names = "--force", description = "Promote even though a member still reports primary: only when it is "
            + "cut off from its clients (its later commits become its divergent tail).")
    private boolean force;

    @Override
    protected HandoverReport run(ClusterClients clients, HandoverSeams seams) {
        return new Failover(clients.cluster(), seams).run(target, timeout(), force);
    }
}
