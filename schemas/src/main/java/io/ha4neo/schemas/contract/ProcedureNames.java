package io.ha4neo.schemas.contract;

/**
 * The plugin's procedures and their result columns. The plugin declares the procedures with these names;
 * clients (the launcher, the ops CLI, tests, benchmarks, users' read-your-writes code) call them by these names.
 */
public final class ProcedureNames {
    /** {@code CALL ha4neo.status()}: one row, columns {@link StatusColumns}. */
    public static final String STATUS = "ha4neo.status";
    /** {@code CALL ha4neo.role()}: column {@link #ROLE_COLUMN}. */
    public static final String ROLE = "ha4neo.role";
    /** {@code CALL ha4neo.setRole(role)}: columns {@link #ROLE_COLUMN}, {@link #PREVIOUS_ROLE_COLUMN}. */
    public static final String SET_ROLE = "ha4neo.setRole";
    /** {@code CALL ha4neo.bookmark()} on a primary: column {@link #COMMIT_ID_COLUMN}. */
    public static final String BOOKMARK = "ha4neo.bookmark";
    /** {@code CALL ha4neo.awaitCommit(commitId, timeoutMs)} on a standby: column {@link #COMMIT_ID_COLUMN}. */
    public static final String AWAIT_COMMIT = "ha4neo.awaitCommit";

    /** The role, lower case: {@code primary} or {@code standby}. */
    public static final String ROLE_COLUMN = "role";
    /** The role before a {@code setRole}. */
    public static final String PREVIOUS_ROLE_COLUMN = "previousRole";
    /** A commit id (bookmark token, or the standby's applied commit id). */
    public static final String COMMIT_ID_COLUMN = "commitId";

    private ProcedureNames() {
    }

    /** {@code CALL <procedure>()} as a Cypher statement. */
    public static String call(String procedure) {
        return "CALL " + procedure + "()";
    }
}
