package io.ha4neo.capture.txlog;

/**
 * How a transaction touched one relationship, with its endpoints and type when the log has its record.
 *
 * @param touch       created, changed (properties) or deleted
 * @param startNodeId the start node's id, or {@link #UNKNOWN} when the transaction changed only the relationship's
 *                    properties and so did not log its record: read it from the store
 * @param endNodeId   the end node's id, or {@link #UNKNOWN} (as {@code startNodeId})
 * @param typeId      the relationship type's token id, or {@link #UNKNOWN_TYPE}
 */
public record RelationshipTouch(Touch touch, long startNodeId, long endNodeId, int typeId) {
    /** The endpoint value when the log does not say. */
    public static final long UNKNOWN = -1;
    /** The type value when the log does not say. */
    public static final int UNKNOWN_TYPE = -1;

    /** A touch whose record the transaction did not log (a property-only change). */
    public static RelationshipTouch withoutRecord(Touch touch) {
        return new RelationshipTouch(touch, UNKNOWN, UNKNOWN, UNKNOWN_TYPE);
    }

    /** Whether the log gave the endpoints and type. */
    public boolean endpointsKnown() {
        return startNodeId != UNKNOWN;
    }
}
