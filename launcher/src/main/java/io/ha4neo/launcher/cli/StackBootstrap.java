package io.ha4neo.launcher.cli;

import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.topology.cli.OpsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import picocli.CommandLine;

/**
 * The bootstrap of one standby as {@code ./stack up --seed N} and the benchmark run it: the ops CLI's
 * {@code bootstrap --standby <name>} runs in a thread of this JVM, and the standby's applier is started as soon as the
 * CLI has prepared the standby (its watermark in stage {@code awaiting_begin}; before that the applier would refuse a
 * standby the log cannot fill); the CLI then waits until the applier has applied the run's end.
 */
public final class StackBootstrap {
    private StackBootstrap() {
    }

    /**
     * How the CLI ended.
     *
     * @param exitCode the CLI's exit code (0: seeded)
     * @param out what it printed on standard output (its report; JSON with {@code --json})
     * @param seconds wall time from the CLI's start to its return
     */
    public record Outcome(int exitCode, String out, double seconds) {
    }

    static void run(Path clusterFile, StackCredentials credentials, String standby, Neo4jServer server,
                    Runnable startApplier, Consumer<String> step) {
        step.accept("ha4neo bootstrap --standby " + standby + ": seeding " + standby + " from the primary through the "
                + "log");
        Outcome outcome = run(clusterFile, name -> StackCredentials.PASSWORD_ENV.equals(name)
                ? credentials.admin().password() : System.getenv(name), List.of(), standby, server, startApplier, step);
        step.accept("bootstrap of " + standby + " ended (exit " + outcome.exitCode() + "): " + outcome.out().strip());
    }

    /**
     * Runs {@code ha4neo [globalOptions] --cluster <clusterFile> bootstrap --standby <standby> [bootstrapOptions]} and
     * starts the standby's applier once the standby is prepared.
     *
     * @param environment the CLI's environment lookup (for {@code password: ${env:NAME}} in the cluster file)
     * @param bootstrapOptions e.g. {@code --rate 5000}; the global {@code --json} goes first when present
     * @param server the standby's server, polled for its stage
     * @param step receives the CLI's progress lines (standard error)
     */
    public static Outcome run(Path clusterFile, UnaryOperator<String> environment, List<String> bootstrapOptions,
                              String standby, Neo4jServer server, Runnable startApplier, Consumer<String> step) {
        StringWriter out = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        List<String> args = new ArrayList<>(List.of("--cluster", clusterFile.toString()));
        if (bootstrapOptions.contains("--json")) {
            args.add("--json");
        }
        args.addAll(List.of("bootstrap", "--standby", standby));
        bootstrapOptions.stream().filter(o -> !o.equals("--json")).forEach(args::add);
        long t0 = System.nanoTime();
        Thread cli = new Thread(() -> {
            CommandLine commandLine = new CommandLine(new OpsCli(environment));
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(new LineWriter(step), true));
            exit.set(commandLine.execute(args.toArray(String[]::new)));
        }, "ha4neo-stack-bootstrap-" + standby);
        cli.start();
        awaitPrepared(server, cli);
        startApplier.run();
        join(cli);
        return new Outcome(exit.get(), out.toString(), (System.nanoTime() - t0) / 1e9);
    }

    /** Until the standby's stage is awaiting_begin (or later), or the CLI has ended (it says why). */
    private static void awaitPrepared(Neo4jServer server, Thread cli) {
        try (Driver driver = server.driver()) {
            while (cli.isAlive()) {
                try (Session s = driver.session()) {
                    String stage = s.run(ProcedureNames.call(ProcedureNames.BOOTSTRAP_PROGRESS)).single()
                            .get(ProcedureNames.STAGE_COLUMN).asString();
                    if (WatermarkNode.STAGE_AWAITING_BEGIN.equals(stage) || WatermarkNode.STAGE_SEEDING.equals(stage)) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The CLI's progress lines, each passed on as a step of the stack's start-up. */
    private static final class LineWriter extends java.io.Writer {
        private final Consumer<String> step;
        private final StringBuilder line = new StringBuilder();

        LineWriter(Consumer<String> step) {
            this.step = step;
        }

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (buffer[i] == '\n') {
                    step.accept(line.toString());
                    line.setLength(0);
                } else if (buffer[i] != '\r') {
                    line.append(buffer[i]);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
