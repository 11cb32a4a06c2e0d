package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.handover.LastEvent;
import io.ha4neo.topology.handover.ProcedureFailure;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ha4neo demote <member>}: the primary stops accepting client writes ({@code ha4neo.freeze}) and publishes
 * everything it captured; it stays frozen, so a switchover or a failover to a standby can follow from the handover
 * point it prints, after which it rejoins as a standby. What keepalived's notify script runs when the primary's health
 * check fails (FAULT): a primary that cannot serve as one stops taking writes that the next primary would not have.
 */
@Command(name = "demote", mixinStandardHelpOptions = true,
        description = {"Makes the primary refuse client writes from now on (frozen, as in step 1 of a switchover) "
                + "once everything it captured is in the log, and prints that handover point. It stays frozen "
                + "until a switchover or failover promotes another member (it then rejoins as a standby) or "
                + "ha4neo.unfreeze() is called on it.",
                "Already frozen: prints the same handover point. Not the primary: exits 1 and changes nothing. If "
                        + "the log cannot be reached within --timeout (default 30 s), it is not frozen and exits 1."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP})
final class DemoteCommand extends OpsCommand {
    @Parameters(index = "0", paramLabel = "<member>", description = "The primary to demote.")
    private String member;

    @Override
    protected int run(ClusterClients clients, PrintWriter out) {
        Member target;
        try {
            target = clients.cluster().requireMember(member);
        } catch (IllegalArgumentException e) {
            err().println("ha4neo demote: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        LastEvent handover;
        try {
            handover = ops().seams(clients).procedures().freeze(target, timeout());
        } catch (ProcedureFailure e) {
            err().println("ha4neo demote: " + target.label() + " not demoted: " + e.getMessage());
            return ExitCodes.UNHEALTHY;
        }
        if (ops().json()) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("operation", "demote");
            report.put("member", target.name());
            report.put("handoverEpoch", handover.position().epoch());
            report.put("handoverCommitId", handover.position().commitId());
            report.put("handoverOffset", handover.offset());
            out.println(OpsJson.write(report));
        } else {
            out.println(target.label() + " demoted: client writes refused; handover point " + handover.describe()
                    + ". Promote a standby (ha4neo switchover --to <standby>, or failover) and it rejoins as one");
        }
        return ExitCodes.OK;
    }

    @Override
    protected java.time.Duration defaultTimeout() {
        return java.time.Duration.ofSeconds(30);
    }
}
