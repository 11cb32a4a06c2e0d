package io.ha4neo.capture.spool;

import java.util.List;

/**
 * One transaction as stored in the spool: its commit id, chain link and encoded Kafka record values
 * (one, or several contiguous chunks).
 *
 * @param commitId the transaction's commit id
 * @param previousCommitId the chain link carried inside the event
 * @param records encoded record values, in chunk order
 */
public record SpooledEvent(long commitId, long previousCommitId, List<byte[]> records) {
    /** Encoded size in bytes. */
    public long bytes() {
        return records.stream().mapToLong(r -> r.length).sum();
    }
}
