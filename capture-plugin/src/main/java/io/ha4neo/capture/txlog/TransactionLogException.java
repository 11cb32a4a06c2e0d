package io.ha4neo.capture.txlog;

/**
 * Why the transaction log cannot answer. Every subclass is fatal for a repair: retrying cannot bring back a pruned
 * range, teach the reader an unknown Neo4j version, or make an unreadable log readable. The message names the
 * commit ids or version involved and what to do instead.
 */
public abstract sealed class TransactionLogException extends Exception
        permits RangePrunedException, UnsupportedNeo4jVersionException, UnreadableTransactionLogException {
    protected TransactionLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
