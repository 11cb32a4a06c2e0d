package io.ha4neo.capture.mapping;

/**
 * A property value that the replication log cannot carry. Thrown from beforeCommit, so Neo4j rolls the transaction
 * back and the client gets the message: a transaction that cannot be replicated must not commit, or the standbys
 * would silently lack it.
 */
public final class UnreplicableValueException extends RuntimeException {
    public UnreplicableValueException(String what) {
        super("ha4neo cannot replicate " + what + "; the transaction was rolled back. Store the value as a "
                + "supported Neo4j type");
    }
}
