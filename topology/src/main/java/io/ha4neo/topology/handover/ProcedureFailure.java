package io.ha4neo.topology.handover;

import java.util.regex.Pattern;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * A procedure call that did not return a result. The message is the member's own reason, without the server's
 * wrapping ("Failed to invoke procedure ...: Caused by: java.lang.IllegalStateException: ").
 *
 * <p>{@link #outcomeUnknown()} matters for the steps that change a role: when the procedure itself refused (a
 * {@code Neo.ClientError} other than a terminated transaction), it changed nothing, so a switchover can roll back.
 * When the connection broke or the server gave up on the transaction, the procedure may still have done its work: a
 * promotion may have happened, and unfreezing the old primary then would open a second history.
 */
public final class ProcedureFailure extends RuntimeException {
    private static final Pattern SERVER_WRAPPING = Pattern.compile(
            "^Failed to invoke procedure `[^`]+`: Caused by: (?:[\\w$]+\\.)*[\\w$]+(?:Exception|Error): ");

    private final String procedure;
    private final String member;
    private final boolean outcomeUnknown;

    public ProcedureFailure(String procedure, String member, String message, boolean outcomeUnknown, Throwable cause) {
        super(message, cause);
        this.procedure = procedure;
        this.member = member;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** A failure whose outcome is known: the procedure refused and changed nothing (fakes in tests throw these). */
    public static ProcedureFailure refused(String procedure, String member, String message) {
        return new ProcedureFailure(procedure, member, message, false, null);
    }

    /** A failure after which the procedure may or may not have done its work (a lost connection). */
    public static ProcedureFailure unknownOutcome(String procedure, String member, String message) {
        return new ProcedureFailure(procedure, member, message, true, null);
    }

    /** Classifies a driver exception of {@code CALL procedure} on {@code member}. */
    public static ProcedureFailure of(String procedure, String member, RuntimeException e) {
        boolean refused = e instanceof ClientException c && !c.code().startsWith("Neo.ClientError.Transaction.");
        String code = e instanceof Neo4jException n && !refused ? " (" + n.code() + ")" : "";
        return new ProcedureFailure(procedure, member, reason(e) + code + hint(e), !refused, e);
    }

    /** The procedure's own message: its first line, without the server's wrapping. */
    static String reason(Throwable e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = text.lines().findFirst().orElse(text);
        return SERVER_WRAPPING.matcher(first).replaceFirst("");
    }

    private static String hint(RuntimeException e) {
        return e instanceof ClientException c && c.code().endsWith("ProcedureNotFound")
                ? " (the member's capture plugin is older than this CLI: install the plugin with switchover support)"
                : "";
    }

    /** The procedure called, e.g. {@code ha4neo.promote}. */
    public String procedure() {
        return procedure;
    }

    /** The member's name. */
    public String member() {
        return member;
    }

    /** True when the procedure may have done its work despite the failure. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
