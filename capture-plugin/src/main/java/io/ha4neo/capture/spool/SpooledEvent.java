package io.ha4neo.capture.spool;

import java.util.List;

/**
 * One transaction as stored in the spool: its commit id, chain link and encoded Kafka record values
 * (one, or several contiguous chunks).
 *
 * @param commitId the transaction's commit id
 * @param previousCommitId the chain link carried inside the event
 * @param records encoded record values, in chunk order
 * @param position where the event's spool record ends, so that publishing it frees exactly its bytes
 */
public record SpooledEvent(long commitId, long previousCommitId, List<byte[]> records, Position position) {
    /** The end of a spool record: the segment (by its first commit id) and the byte offset just after it. */
    public record Position(long segmentFirstId, long endOffset) {
    }

    /** An event whose position in the spool is unknown (tests, or events not read from a spool). */
    public SpooledEvent(long commitId, long previousCommitId, List<byte[]> records) {
        this(commitId, previousCommitId, records, null);
    }

    /** Encoded size in bytes. */
    public long bytes() {
        return records.stream().mapToLong(r -> r.length).sum();
    }
}
