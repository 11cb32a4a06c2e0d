package io.ha4neo.topology.cli;

/**
 * What the ops CLI's exit code means; scripts and monitoring rely on these, so they never change meaning.
 * The {@code *_HELP} texts are the rows of the "Exit codes" table in {@code --help}.
 */
public final class ExitCodes {
    /** Every check passed; the command did what it was asked. */
    public static final int OK = 0;
    /** A check failed or something is unhealthy: a member unreachable, no or two primaries, a topic misconfigured,
     *  Kafka unreachable. Or an operation failed (a switchover rolled back, a failover that could not promote, a
     *  member still fenced after rejoin) or was refused because the cluster is not in a state for it. */
    public static final int UNHEALTHY = 1;
    /** Usage or configuration error: an unknown option, a missing or invalid cluster file, a member name the file does
     *  not have, a failover without --force while a primary is up. Nothing was changed. For {@code verify}: it could
     *  not compare the members (an error) or could not decide (writes kept changing an entity). */
    public static final int USAGE = 2;

    static final String OK_HELP = "0:ok: every check passed, the operation is done";
    static final String UNHEALTHY_HELP = "1:a check failed or something is unhealthy (a member unreachable, no "
            + "primary or two, a publisher not publishing, a topic misconfigured, Kafka unreachable), or an operation "
            + "failed or was refused (the output says which step, and what state is left)";
    static final String USAGE_HELP = "2:usage or configuration error (unknown option, missing or invalid cluster "
            + "file, unknown member, failover while a primary is up without --force); nothing was changed";
    static final String HEADING = "%nExit codes:%n";

    // verify answers a question rather than checking health, so its codes read differently (the values are the same).
    static final String EQUAL_HELP = "0:equal: the primary and the standby hold the same graph and schema";
    static final String DIFFERENT_HELP = "1:different: at least one entity differed in every round (listed with "
            + "both members' contents)";
    static final String VERIFY_ERROR_HELP = "2:verify could not tell: a usage or configuration error, a member "
            + "unreachable or not in its role, the standby not catching up, or writes changing an entity in every "
            + "round";

    private ExitCodes() {
    }
}
