package io.ha4neo.topology.cli;

import io.ha4neo.topology.bootstrap.BoltBootstrapCalls;
import io.ha4neo.topology.bootstrap.Bootstrap;
import io.ha4neo.topology.bootstrap.BootstrapException;
import io.ha4neo.topology.bootstrap.BootstrapOptions;
import io.ha4neo.topology.bootstrap.BootstrapProgress;
import io.ha4neo.topology.bootstrap.BootstrapReport;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.verify.Throttle;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ha4neo bootstrap --standby <member>}: seeds a standby from the live primary through the log
 * ({@link Bootstrap}; docs/bootstrap.md). Exits 0 when the standby holds the primary's graph and follows the log, 1
 * when a step failed (a rerun resumes the run), 2 when it was refused before anything changed.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = {"Seeds the standby --standby from the live primary, which keeps taking writes: the primary "
                + "commits the graph in chunks of images (--chunk-size entities each, read under shared locks held "
                + "for one chunk), through the replication log, and the standby's applier applies them in log order "
                + "with every other commit. The standby needs no connection to the primary; its applier must run.",
                "A rerun resumes the run the standby is in. A standby that already follows the log, or holds data "
                        + "without a watermark, is refused unless --reseed: its graph is replaced at the run's begin.",
                "Progress (entities sent and applied, rate, ETA) is a bar on a terminal and a line every 5 s "
                        + "otherwise, on standard error."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP})
final class BootstrapCommand extends OpsCommand {
    private static final int BAR_WIDTH = 30;

    @Option(names = "--standby", required = true, paramLabel = "<member>", description = "The standby to seed.")
    String standby;

    @Option(names = "--primary", paramLabel = "<member>",
            description = "The primary to seed from (default: the member that is primary).")
    String primary;

    @Option(names = "--chunk-size", paramLabel = "<entities>", description = "Entities per chunk, one primary "
            + "commit each (default " + BootstrapOptions.DEFAULT_CHUNK_SIZE + ").")
    int chunkSize = BootstrapOptions.DEFAULT_CHUNK_SIZE;

    @Option(names = "--rate", paramLabel = "<entities/s>", description = "Most entities sent per second (default 0: "
            + "no limit). Bounds the load on the primary.")
    long rate = BootstrapOptions.DEFAULT_RATE;

    @Option(names = "--reseed", description = "Start a new run even when the standby follows the log, is in a run, "
            + "or holds data: its graph is replaced by the primary's.")
    boolean reseed;

    @Option(names = "--stall-timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How long the standby may apply nothing before bootstrap stops waiting for it "
                    + "(default 2m; the run goes on in the log).")
    Duration stallTimeout = BootstrapOptions.DEFAULT_STALL_TIMEOUT;

    @Override
    protected int run(ClusterClients clients, PrintWriter out) {
        BootstrapOptions defaults = BootstrapOptions.defaults(reseed);
        BootstrapReport report;
        try {
            BootstrapOptions options = new BootstrapOptions(chunkSize, rate, reseed, stallTimeout,
                    defaults.pollInterval(), defaults.reportInterval());
            Member s = clients.cluster().requireMember(standby);
            Member p = MemberRoles.primaryFor(clients, s, primary, BootstrapException::refused);
            report = new Bootstrap(new BoltBootstrapCalls(clients), p, s, options, Throttle.of(options.rate()),
                    d -> Thread.sleep(d.toMillis()), System::nanoTime, line -> err().println("ha4neo bootstrap: " + line),
                    view(options.reportInterval())).run();
            if (System.console() != null) {
                err().println(); // ends the bar's line
            }
        } catch (BootstrapException | IllegalArgumentException e) {
            report = new BootstrapReport(BootstrapReport.Outcome.REFUSED, null, false, primary, standby, null, null,
                    0, 0, 0, 0, e.getMessage(), e.getMessage());
        }
        if (ops().json()) {
            out.println(OpsJson.write(report));
        } else {
            out.println((report.outcome() == BootstrapReport.Outcome.SEEDED ? "" : report.outcome() + ": ")
                    + report.summary());
        }
        return switch (report.outcome()) {
            case SEEDED -> ExitCodes.OK;
            case FAILED -> ExitCodes.UNHEALTHY;
            case REFUSED -> ExitCodes.USAGE;
        };
    }

    /** A bar redrawn in place on a terminal; a plain line every {@code interval} otherwise (logs, CI). */
    private Consumer<BootstrapProgress> view(Duration interval) {
        if (System.console() != null) {
            return p -> {
                err().print("\r" + p.bar(BAR_WIDTH));
                err().flush();
            };
        }
        long[] last = {Long.MIN_VALUE};
        return p -> {
            long now = System.nanoTime();
            if (last[0] == Long.MIN_VALUE || now - last[0] >= interval.toNanos()) {
                last[0] = now;
                err().println("ha4neo bootstrap: " + p.line());
                err().flush();
            }
        };
    }

    /** Connections give up at the default timeout; the seed itself takes as long as it takes. */
    @Override
    protected Duration clientTimeout() {
        return timeoutCappedAtDefault();
    }
}
