package io.ha4neo.capture.txlog;

/**
 * Neo4j's transaction log holds something the reader cannot account for in a range: a command it does not know, a
 * chunked or rolled-back transaction, a commit id missing from the sequence, or an I/O error. The reader never
 * returns a partial answer; the message names the range and the commit involved.
 */
public final class UnreadableTransactionLogException extends TransactionLogException {
    public UnreadableTransactionLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
