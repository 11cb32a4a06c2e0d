package io.ha4neo.launcher.cli;

import io.ha4neo.launcher.process.ProcessReaper;
import io.ha4neo.launcher.process.ProjectLayout;
import io.ha4neo.launcher.status.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ha4neo local stack launcher.
 *
 * <pre>
 * java -jar launcher/target/launcher-0.1.0-SNAPSHOT-all.jar up          # start everything, watch replication
 * java -jar launcher/target/launcher-0.1.0-SNAPSHOT-all.jar status --json
 * java -jar launcher/target/launcher-0.1.0-SNAPSHOT-all.jar stop
 * java -jar launcher/target/launcher-0.1.0-SNAPSHOT-all.jar switchover     # primary to the standby and back
 * java -jar launcher/target/launcher-0.1.0-SNAPSHOT-all.jar credentials --env   # the generated passwords
 * </pre>
 *
 * The {@code ./stack} script at the project root builds what is missing and runs this class; {@code ./stack ops}
 * runs the ops CLI ({@code io.ha4neo.topology.cli.OpsCli}) on the cluster file that {@code up} writes.
 */
@Command(name = "stack", mixinStandardHelpOptions = true, version = "ha4neo launcher 0.1.0-SNAPSHOT",
        description = {"Runs a local ha4neo replication stack: Kafka and two Neo4j members (a starts as primary, b as "
                + "standby), each with the capture plugin and its own applier.",
                "Operations on the running stack: ./stack ops <command> (the ops CLI, io.ha4neo.topology.cli.OpsCli, "
                        + "with the stack's cluster.json)."},
        subcommands = {Ha4neoCli.Up.class, Ha4neoCli.Stop.class, Ha4neoCli.Status.class,
                Ha4neoCli.Switchover.class, Ha4neoCli.ShowCredentials.class})
public final class Ha4neoCli {
    /** Exit code when a command could not do its job. */
    static final int FAILED = 1;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The picocli command line, for tests and embedding. */
    public static CommandLine commandLine() {
        return new CommandLine(new Ha4neoCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("stack: " + e.getMessage());
            return FAILED;
        });
    }

    /** Options every subcommand shares. */
    static class Common {
        @Option(names = "--state-dir", description = "State directory (default: <project>/.ha4neo)")
        Path stateDir;

        @Option(names = "--project-dir", description = "Project root (default: found from the working directory)")
        Path projectDir;

        ProjectLayout layout() {
            return projectDir != null ? ProjectLayout.at(projectDir) : ProjectLayout.discover(Path.of(""));
        }

        Path stateDir() {
            return (stateDir != null ? stateDir : layout().defaultStateDir()).toAbsolutePath().normalize();
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start Kafka and the members a (primary) and b (standby), each with its applier; run a demo "
                    + "workload; print endpoints and live replication status until Ctrl-C or 'stop'.")
    static final class Up extends Common implements Callable<Integer> {
        @Option(names = "--interval", defaultValue = "5", description = "Seconds between status lines (default 5)")
        int intervalSeconds;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "<nodes>", description = "Write this many people "
                + "(and twice as many relationships) to a before capture first starts on it, then seed b with ha4neo "
                + "bootstrap (default 0: both start empty)")
        int seedNodes;

        @Option(names = "--schema-registry", paramLabel = "<url>", defaultValue = "", description = "Registry mode: "
                + "the plugins and appliers use this Confluent-compatible Schema Registry (you run it; no "
                + "authentication), e.g. http://127.0.0.1:8081 (default: embedded mode, no registry)")
        String schemaRegistryUrl;

        @Option(names = "--zones", defaultValue = "1", paramLabel = "<n>", description = "2: also a second zone: its "
                + "own Kafka broker, MirrorMaker 2 copying the topic to it, and member c, a standby whose applier "
                + "reads that copy (default 1: one Kafka cluster)")
        int zones;

        @Override
        public Integer call() {
            io.ha4neo.schemas.config.ConfigDef.httpUrlOrEmpty().ensureValid("--schema-registry", schemaRegistryUrl);
            new LocalStack(layout(), stateDir(), System.out, Duration.ofSeconds(intervalSeconds), seedNodes,
                    schemaRegistryUrl, zones).run();
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the stack running from the state directory (and anything a crashed run left).")
    static final class Stop extends Common implements Callable<Integer> {
        @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for a clean stop")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            Path dir = stateDir();
            Optional<ProcessHandle> launcher = StackState.read(dir).flatMap(StackState::liveLauncher);
            if (launcher.isPresent()) {
                stopLauncher(launcher.get());
            } else {
                System.out.println("no running launcher in " + dir);
            }
            List<Long> reaped = ProcessReaper.reapStale(dir);
            if (!reaped.isEmpty()) {
                System.out.println("killed processes left by a crashed run: " + reaped);
            }
            StackState.delete(dir);
            return 0;
        }

        private void stopLauncher(ProcessHandle launcher) throws Exception {
            System.out.println("stopping the stack (launcher pid " + launcher.pid() + ")...");
            launcher.destroy(); // SIGTERM: the launcher's shutdown hook stops applier, servers and broker
            try {
                launcher.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
                System.out.println("stopped");
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("launcher did not stop within " + timeoutSeconds + " s; killing it and its "
                        + "children");
                launcher.destroyForcibly();
                launcher.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print endpoints and replication state of the running stack.")
    static final class Status extends Common implements Callable<Integer> {
        @Option(names = "--json", description = "Print one JSON object (for scripts)")
        boolean json;

        @Override
        public Integer call() {
            Path dir = stateDir();
            Map<String, Object> report = StackState.read(dir)
                    .filter(s -> s.liveLauncher().isPresent())
                    .map(s -> StackReport.collect(dir, s))
                    .orElseGet(() -> StackReport.notRunning(dir));
            if (json) {
                System.out.println(Json.write(report));
            } else {
                StackReport.toLines(report).forEach(System.out::println);
            }
            return 0;
        }
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true,
            description = {"Move the primary role of the running stack to its standby and back again with the ops CLI "
                    + "(ha4neo switchover), while a demo workload keeps writing to whichever member accepts writes.",
                    "Prints each switchover's steps and RTO, what the workload saw, and each member's count of its "
                            + "writes. Exits 1 when a switchover failed or a member misses an acknowledged write."})
    static final class Switchover extends Common implements Callable<Integer> {
        @Option(names = "--pause", defaultValue = "3",
                description = "Seconds of writes before, between and after the switchovers (default 3)")
        int pauseSeconds;

        @Override
        public Integer call() throws InterruptedException {
            return new StackSwitchover(stateDir(), System.out, Duration.ofSeconds(pauseSeconds)).run();
        }
    }

    @Command(name = "credentials", mixinStandardHelpOptions = true,
            description = {"Print the users and generated passwords of the stack (kept in <state-dir>/credentials).",
                    "With --env: shell exports for cypher-shell and the ops CLI:",
                    "  eval \"$(./stack credentials --env)\""})
    static final class ShowCredentials extends Common implements Callable<Integer> {
        @Option(names = "--env", description = "Print 'export NEO4J_USERNAME=... NEO4J_PASSWORD=...' (the admin user)")
        boolean env;

        @Override
        public Integer call() {
            Path dir = stateDir();
            Optional<StackCredentials> credentials = StackCredentials.read(dir);
            if (credentials.isEmpty()) {
                System.err.println("stack: no credentials in " + dir + "; ./stack up generates them");
                return FAILED;
            }
            StackCredentials c = credentials.get();
            if (env) {
                System.out.println("export NEO4J_USERNAME=" + shellQuoted(c.admin().user()) + " "
                        + StackCredentials.PASSWORD_ENV + "=" + shellQuoted(c.admin().password()));
            } else {
                System.out.println("admin:    " + c.admin().user() + " " + c.admin().password());
                System.out.println("applier:  " + c.applier().user() + " " + c.applier().password()
                        + "  (the members' ha4neo.applier.user)");
                System.out.println("file:     " + StackCredentials.file(dir));
            }
            return 0;
        }

        /** Single-quoted for a POSIX shell, so a hand-edited password with spaces or quotes survives eval. */
        static String shellQuoted(String value) {
            return "'" + value.replace("'", "'\\''") + "'";
        }
    }
}
