package io.ha4neo.schemas.event;

/**
 * Which event of a bootstrap run ({@link BootstrapMark}) an event is. A run is, in log order: one {@link #BEGIN},
 * any number of {@link #NODES} chunks, then any number of {@link #RELATIONSHIPS} chunks, then one {@link #END}.
 */
public enum BootstrapPhase {
    /** The run starts: its totals, and the primary's indexes and constraints as the event's schema changes. */
    BEGIN,
    /** A chunk of node images ({@link TransactionEvent#bootstrapNodes()}). */
    NODES,
    /** A chunk of relationship images ({@link TransactionEvent#bootstrapRelationships()}), after every node chunk. */
    RELATIONSHIPS,
    /** Every entity the primary held at {@link #BEGIN} has been sent; the standby now follows the log as usual. */
    END
}
