package io.ha4neo.topology.cli;

/**
 * What the ops CLI's exit code means; scripts and monitoring rely on these, so they never change meaning.
 * The {@code *_HELP} texts are the rows of the "Exit codes" table in {@code --help}.
 */
public final class ExitCodes {
    /** Every check passed; the command did what it was asked. */
    public static final int OK = 0;
    /** A check failed or something is unhealthy: a member unreachable, no or two primaries, a topic misconfigured,
     *  Kafka unreachable. */
    public static final int UNHEALTHY = 1;
    /** Usage or configuration error: an unknown option, a missing or invalid cluster file. Nothing was checked. */
    public static final int USAGE = 2;

    static final String OK_HELP = "0:ok: every check passed";
    static final String UNHEALTHY_HELP = "1:a check failed or something is unhealthy (a member unreachable, no "
            + "primary or two, a publisher not publishing, a topic misconfigured, Kafka unreachable)";
    static final String USAGE_HELP = "2:usage or configuration error (unknown option, missing or invalid cluster "
            + "file); nothing was checked";
    static final String HEADING = "%nExit codes:%n";

    private ExitCodes() {
    }
}
