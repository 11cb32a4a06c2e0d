package io.ha4neo.capture.spool;

import java.util.List;

/**
 * What the chain writer needs of the spool: ordered appends of events and marks. {@link EventSpool} is the one
 * implementation; tests substitute one that fails like a full or broken disk.
 */
public interface EventLog {
    /**
     * Appends one event (its encoded records) with its chain link; blocks while the log is full.
     *
     * @throws SpoolRecordTooLargeException when the records are too large for one spool record; nothing was written
     */
    void append(long commitId, long previousCommitId, List<byte[]> records) throws InterruptedException;

    /** Records that every commit id up to {@code commitId} was sequenced. */
    void mark(long commitId) throws InterruptedException;

    /** Highest commit id known to be sequenced: the last event or mark. */
    long lastSequencedId();

    /** Commit id of the last event appended, 0 when none. */
    long lastEventId();
}
