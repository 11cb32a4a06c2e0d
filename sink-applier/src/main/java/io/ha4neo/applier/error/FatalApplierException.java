package io.ha4neo.applier.error;

/**
 * An error the applier must not retry: undecodable record, broken chunk sequence, gap in the commit
 * chain, refused operator skip, diverged standby. The message names topic, partition, offset and commit
 * id where known, and says what the operator must do; the applier stops with a non-zero exit code.
 */
public class FatalApplierException extends RuntimeException {
    private final String kind;

    public FatalApplierException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public FatalApplierException(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Short error kind, used as the metrics label: decode, chunk_sequence, chain_gap, skip_refused, divergence. */
    public String kind() {
        return kind;
    }
}
