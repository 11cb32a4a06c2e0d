package io.ha4neo.launcher.cli;

import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.topology.cli.OpsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import picocli.CommandLine;

/**
 * {@code ./stack up --seed N}'s bootstrap of one standby: the ops CLI's {@code bootstrap --standby <name>} runs in a
 * thread of the launcher, and the standby's applier is started as soon as the CLI has prepared the standby (its
 * watermark in stage {@code awaiting_begin}); the CLI then waits until the applier has applied the run's end.
 */
final class StackBootstrap {
    private StackBootstrap() {
    }

    static void run(Path clusterFile, StackCredentials credentials, String standby, Neo4jServer server,
                    Runnable startApplier, Consumer<String> step) {
        step.accept("ha4neo bootstrap --standby " + standby + ": seeding " + standby + " from the primary through the "
                + "log");
        StringWriter out = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> {
            CommandLine commandLine = new CommandLine(new OpsCli(name -> StackCredentials.PASSWORD_ENV.equals(name)
                    ? credentials.admin().password() : System.getenv(name)));
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(new LineWriter(step), true));
            exit.set(commandLine.execute("--cluster", clusterFile.toString(), "bootstrap", "--standby", standby));
        }, "ha4neo-stack-bootstrap-" + standby);
        cli.start();
        awaitPrepared(server, cli);
        startApplier.run();
        join(cli);
        step.accept("bootstrap of " + standby + " ended (exit " + exit.get() + "): " + out.toString().strip());
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
