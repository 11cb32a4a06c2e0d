package io.ha4neo.capture.txlog;

/**
 * Reads committed transactions back from Neo4j's own transaction log and says which nodes and relationships each
 * one touched. It exists for repair (issue 15): a commit that reached Neo4j's log but never reached the spool is a
 * known id with unknown content; this reader recovers which entities it touched, so that a repair can re-image them
 * from the store.
 *
 * <p>Neo4j's log is internal API. The only implementation is {@code io.ha4neo.capture.Neo4j526TransactionLogReader}
 * on the plugin's kernel seam; opening it checks the running Neo4j version first ({@link Neo4jVersionPolicy}) and
 * refuses an unverified one with {@link UnsupportedNeo4jVersionException}.
 *
 * <pre>{@code
 * TransactionLogReader reader = Neo4j526TransactionLogReader.open(db);
 * TouchedEntities touched = reader.read(spoolLastId + 1, reader.lastCommittedId());
 * }</pre>
 *
 * <p>Meant for start-up, before the database accepts client writes: reading is single-threaded and does not hold off
 * Neo4j's log pruning (a file pruned while it is read is reported as {@link RangePrunedException}).
 */
public interface TransactionLogReader {
    /** The first commit id a database can have in its log: id 1 is the empty store's base, never logged. */
    long FIRST_LOGGED_COMMIT_ID = 2;

    /** Neo4j's last committed transaction id (the commit ids capture uses are these ids). */
    long lastCommittedId();

    /**
     * What each commit in {@code first..last} (both inclusive) touched, in commit order, one entry per id.
     *
     * @throws IllegalArgumentException when the range is empty, starts before {@link #FIRST_LOGGED_COMMIT_ID}, or
     *         ends after {@link #lastCommittedId()}: the message names the range and the last committed id
     * @throws RangePrunedException when part of the range is no longer in Neo4j's log
     * @throws UnreadableTransactionLogException when the log holds something this reader cannot account for (a
     *         command it does not know, a chunked transaction, a missing id, an I/O error): never a partial answer
     */
    TouchedEntities read(long first, long last) throws TransactionLogException;
}
