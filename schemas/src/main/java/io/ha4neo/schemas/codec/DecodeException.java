package io.ha4neo.schemas.codec;

/**
 * A record value could not be decoded. The {@link #reason()} classifies the problem; the message names it
 * and, where known, the schema id and byte position. A decode error is fatal for a consumer of the
 * replication log: skipping the record would silently lose a transaction.
 */
public class DecodeException extends Exception {
    /** Why decoding failed. */
    public enum Reason {
        EMPTY, WRONG_MAGIC_BYTE, UNKNOWN_SCHEMA_ID, TRUNCATED, CORRUPT, INVALID_EVENT, REGISTRY_UNAVAILABLE
    }

    private final Reason reason;

    public DecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public DecodeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
