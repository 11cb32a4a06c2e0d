package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.ClusterFile;
import io.ha4neo.topology.cluster.ClusterFileException;
import io.ha4neo.topology.handover.HandoverSeams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The ha4neo operations CLI: commands that act on a whole replication cluster, described by a cluster file
 * ({@link ClusterFile}).
 *
 * <pre>
 * java -jar topology/target/topology-0.1.0-SNAPSHOT-all.jar --cluster cluster.json status [--json]
 * java -jar topology/target/topology-0.1.0-SNAPSHOT-all.jar --cluster cluster.json create-topics
 * java -jar topology/target/topology-0.1.0-SNAPSHOT-all.jar --cluster cluster.json switchover --to b
 * java -jar topology/target/topology-0.1.0-SNAPSHOT-all.jar --cluster cluster.json failover --to b
 * java -jar topology/target/topology-0.1.0-SNAPSHOT-all.jar --cluster cluster.json rejoin a [--discard-tail]
 * java -jar topology/target/topology-0.1.0-SNAPSHOT-all.jar --cluster cluster.json verify --standby b [--json]
 * </pre>
 *
 * In a program or test: {@code new CommandLine(new OpsCli()).execute("--cluster", file, "status")} returns the
 * exit code ({@link ExitCodes}); {@code setOut}/{@code setErr} capture the output. Each subcommand is one
 * {@link OpsCommand} class; adding one means writing the class and listing it below.
 */
@Command(name = "ha4neo", mixinStandardHelpOptions = true, versionProvider = OpsCli.Version.class,
        description = "Operates an ha4neo replication cluster (Neo4j members, their Kafka topic) described by a "
                + "cluster file.",
        subcommands = {StatusCommand.class, CreateTopicsCommand.class, SwitchoverCommand.class,
            FailoverCommand.class, RejoinCommand.class, DemoteCommand.class, VerifyCommand.class, BootstrapCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP},
        footerHeading = "%n",
        footer = {"The cluster file (JSON, or YAML when it ends in .yaml/.yml) names the cluster id, the database, "
                + "the Kafka bootstrap servers and every member's Bolt address; passwords may be $${ENV_VAR} "
                + "references. Format: README.md, section 'Operations with the CLI'."})
public final class OpsCli implements Callable<Integer> {
    /** Environment variable naming the cluster file when --cluster is not given. */
    public static final String CLUSTER_ENV = "HA4NEO_CLUSTER";

    @Spec
    private CommandSpec spec;

    @Option(names = "--cluster", paramLabel = "<file>", scope = ScopeType.INHERIT,
            defaultValue = "${env:" + CLUSTER_ENV + "}",
            description = "Cluster file (default: the file named by $" + CLUSTER_ENV + ").")
    private Path clusterFile;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print one JSON object instead of text (for scripts); before or after the command.")
    private boolean json;

    /** The --timeout when given; each command has its own default ({@link OpsCommand#defaultTimeout()}). */
    private Duration timeout;

    private final Function<String, String> env;
    private final Function<ClusterClients, HandoverSeams> seams;

    /** A CLI that resolves {@code ${NAME}} references in the cluster file from the process environment. */
    public OpsCli() {
        this(System::getenv);
    }

    /** A CLI with an explicit environment for {@code ${NAME}} references (tests, the local stack's launcher). */
    public OpsCli(Function<String, String> env) {
        this(env, HandoverSeams::of);
    }

    /**
     * A CLI whose switchover, failover and rejoin talk to the cluster through {@code seams} instead of Bolt and Kafka
     * (unit tests drive the commands against a simulated cluster this way).
     */
    OpsCli(Function<String, String> env, Function<ClusterClients, HandoverSeams> seams) {
        this.env = env;
        this.seams = seams;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // The CLI reports Kafka problems itself, in one line each; the client's own retry warnings are noise.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.exit(new CommandLine(new OpsCli()).execute(args));
    }

    @Option(names = "--timeout", paramLabel = "<duration>", scope = ScopeType.INHERIT,
            converter = DurationConverter.class,
            description = "Longest wait for any one member, broker or endpoint: 500ms, 30s, 2m, or seconds "
                    + "(default 10 s; switchover and failover: 30 s for each step).")
    void setTimeout(Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive, not "
                    + DurationConverter.format(value));
        }
        timeout = value;
    }

    /** Without a subcommand: the usage, and the usage-error code. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("ha4neo: name a command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** The cluster description named by --cluster or $HA4NEO_CLUSTER; a {@link ClusterFileException} if unusable. */
    ClusterDescription cluster() {
        if (clusterFile == null) {
            throw new ClusterFileException("ha4neo", List.of("no cluster file: pass --cluster <file> or set "
                    + CLUSTER_ENV));
        }
        return ClusterFile.load(clusterFile, env);
    }

    /** True when the output is one JSON object. */
    boolean json() {
        return json;
    }

    /** The --timeout, if given. */
    Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** How switchover, failover and rejoin reach the cluster: over Bolt and Kafka unless a test replaced it. */
    HandoverSeams seams(ClusterClients clients) {
        return seams.apply(clients);
    }

    /** The version from the build ({@code version.properties}, filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = OpsCli.class.getResourceAsStream("/io/ha4neo/topology/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"ha4neo " + p.getProperty("version", "(unknown version)")};
        }
    }
}
