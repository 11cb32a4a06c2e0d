package io.ha4neo.schemas.codec;

/** Chunks of a transaction arrived missing, duplicated or out of order. Fatal for a consumer. */
public class ChunkSequenceException extends Exception {
    private final long commitId;

    public ChunkSequenceException(long commitId, String message) {
        super("commit " + commitId + ": " + message);
        this.commitId = commitId;
    }

    public long commitId() {
        return commitId;
    }
}
