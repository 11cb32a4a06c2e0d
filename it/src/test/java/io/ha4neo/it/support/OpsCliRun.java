package io.ha4neo.it.support;

import io.ha4neo.topology.cli.OpsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the ops CLI ({@code ha4neo}) in this JVM through picocli, so exit codes and output are exactly what
 * {@code java -jar topology-all.jar} gives.
 *
 * @param code the exit code
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
public record OpsCliRun(int code, String out, String err) {
    public static OpsCliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new OpsCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new OpsCliRun(cli.execute(args), out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + code + "\nout:\n" + out + "\nerr:\n" + err;
    }
}
