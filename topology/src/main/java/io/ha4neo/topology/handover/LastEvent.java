package io.ha4neo.topology.handover;

import io.ha4neo.schemas.event.ChainPosition;

/**
 * The last event of the replication log: the handover point a switchover's freeze returns, or what a failover reads
 * from Kafka. A standby that has applied exactly this event has everything the log has.
 *
 * @param position the event's place in the history (epoch, commit id); {@link ChainPosition#START} for an empty log
 * @param offset the Kafka offset of the event's last record in partition 0, null when the log is empty or the member
 *               did not say
 */
public record LastEvent(ChainPosition position, Long offset) {
    /** A log without any event. */
    public static final LastEvent EMPTY_LOG = new LastEvent(ChainPosition.START, null);

    /** "(epoch 0, commit 42) at offset 57". */
    public String describe() {
        return position + (offset == null ? "" : " at offset " + offset);
    }
}
