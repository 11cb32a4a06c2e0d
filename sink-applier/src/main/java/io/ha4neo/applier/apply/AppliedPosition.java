package io.ha4neo.applier.apply;

import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.ChainPosition;
import java.util.Optional;

/**
 * How far the standby has applied, as the chain rule needs it: the place in the history, (epoch, commit id), and the
 * place in the log, the record that moved it there. Commit ids of different epochs come from different stores, so
 * only the log position orders items across epochs; within one epoch the commit id does.
 *
 * @param chain the last applied (or operator-skipped) item's place in the history
 * @param log the offset of that item's last record
 */
public record AppliedPosition(ChainPosition chain, LogPosition log) {
    /** The position a watermark names; empty when the standby has none (not bootstrapped). */
    public static Optional<AppliedPosition> of(Optional<Watermark> w) {
        return w.map(AppliedPosition::of);
    }

    public static AppliedPosition of(Watermark w) {
        return new AppliedPosition(w.chainPosition(), new LogPosition(w.topic(), w.partition(), w.offset()));
    }

    public long epoch() {
        return chain.epoch();
    }

    public long commitId() {
        return chain.commitId();
    }

    /**
     * True when {@code item} ends at or before this position in the same topic and partition: behind the standby in
     * the log, whatever its epoch. False when the two positions are of different partitions (nothing is known).
     */
    public boolean covers(LogItem item) {
        LogPosition p = item.position();
        return p.topic().equals(log.topic()) && p.partition() == log.partition() && p.offset() <= log.offset();
    }

    /** True when {@code item}'s record is after this position in the same topic and partition. */
    public boolean precedes(LogItem item) {
        LogPosition p = item.position();
        return p.topic().equals(log.topic()) && p.partition() == log.partition() && p.offset() > log.offset();
    }

    @Override
    public String toString() {
        return chain + " at offset " + log.offset();
    }
}
