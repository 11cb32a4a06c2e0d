package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.ClusterFileException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand of {@link OpsCli}. The steps are the same for all of them:
 * <ol>
 *   <li>load the cluster file; a bad one prints the problems and exits {@link ExitCodes#USAGE};</li>
 *   <li>open {@link ClusterClients} (drivers and Admin on first use);</li>
 *   <li>{@link #run}: the command itself, returning {@link ExitCodes#OK}, {@link ExitCodes#UNHEALTHY} (a check or
 *       an operation failed) or {@link ExitCodes#USAGE} (a refusal before anything was changed);</li>
 *   <li>close the clients. An unexpected failure prints one line naming the command and exits
 *       {@link ExitCodes#UNHEALTHY} ({@link #failureExitCode}: verify exits {@link ExitCodes#USAGE}).</li>
 * </ol>
 */
abstract class OpsCommand implements Callable<Integer> {
    /** The --timeout of status and create-topics: one member, broker or endpoint that does not answer. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    private OpsCli ops;

    @Spec
    private CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ClusterDescription cluster;
            try {
                cluster = ops.cluster();
            } catch (ClusterFileException e) {
                err.println("ha4neo: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            try (ClusterClients clients = new ClusterClients(cluster, clientTimeout())) {
                return run(clients, out);
            } catch (ParameterException e) {
                throw e; // picocli prints it with the usage and exits USAGE
            } catch (RuntimeException e) {
                err.println("ha4neo " + spec.name() + ": " + e.getMessage());
                return failureExitCode();
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command's work; returns an {@link ExitCodes} value. */
    protected abstract int run(ClusterClients clients, PrintWriter out);

    /** The exit code of an unexpected failure: {@link ExitCodes#UNHEALTHY}, unless the command means something else. */
    protected int failureExitCode() {
        return ExitCodes.UNHEALTHY;
    }

    /** The --timeout when none is given. */
    protected Duration defaultTimeout() {
        return DEFAULT_TIMEOUT;
    }

    /** The --timeout, or this command's default. */
    protected Duration timeout() {
        return ops.timeout().orElse(defaultTimeout());
    }

    /**
     * How long the clients wait for a connection or an answer ({@link ClusterClients#timeout()}): the --timeout,
     * unless a command waits longer in its steps than it should for a member that does not answer at all.
     */
    protected Duration clientTimeout() {
        return timeout();
    }

    /**
     * The --timeout, but at most {@link #DEFAULT_TIMEOUT}: for commands whose steps wait longer than a connection
     * should (switchover, failover, rejoin, verify), so that a member that does not answer at all fails fast.
     */
    protected final Duration timeoutCappedAtDefault() {
        return timeout().compareTo(DEFAULT_TIMEOUT) < 0 ? timeout() : DEFAULT_TIMEOUT;
    }

    /** The parent command: the cluster file's environment and the seams of switchover, failover and rejoin. */
    protected OpsCli ops() {
        return ops;
    }

    /** This command's error stream. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** This command's picocli model (for its own parameter errors). */
    protected CommandSpec spec() {
        return spec;
    }
}
