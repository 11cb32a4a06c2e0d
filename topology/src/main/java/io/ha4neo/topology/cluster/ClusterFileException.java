package io.ha4neo.topology.cluster;

import java.util.List;

/**
 * A cluster file that cannot be used: missing, unreadable, not JSON/YAML, or invalid. The message names the file
 * and every problem with its field path ({@code members[1].bolt: missing}), so the operator can fix all of them in
 * one go; the ops CLI prints it and exits with the configuration-error code.
 */
public final class ClusterFileException extends RuntimeException {
    private final String source;
    private final List<String> problems;

    public ClusterFileException(String source, List<String> problems) {
        super(format(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or other source) the description came from. */
    public String source() {
        return source;
    }

    /** Each problem, "field.path: what is wrong". */
    public List<String> problems() {
        return problems;
    }

    private static String format(String source, List<String> problems) {
        if (problems.size() == 1) {
            return source + ": " + problems.get(0);
        }
        return source + ": " + problems.size() + " problems:\n  " + String.join("\n  ", problems);
    }
}
