package io.ha4neo.capture.spool;

/**
 * One transaction's records are larger than a spool record can be ({@link EventSpool#MAX_BODY_BYTES}). Nothing was
 * written: the spool is unchanged and accepts the next append. The chain writer publishes a gap event for exactly
 * this commit id in its place; unlike an I/O error, retrying cannot help.
 */
public class SpoolRecordTooLargeException extends RuntimeException {
    private final long commitId;

    public SpoolRecordTooLargeException(long commitId, String message) {
        super(message);
        this.commitId = commitId;
    }

    /** The commit whose event could not be spooled. */
    public long commitId() {
        return commitId;
    }
}
