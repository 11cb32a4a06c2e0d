package io.ha4neo.applier.apply;

import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.ChainPosition;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How far the standby has applied, as the chain rule needs it: the place in the history, (epoch, commit id), and the
 * place in the log, the record that moved it there. Commit ids of different epochs come from different stores, so
 * only the log position orders items across epochs; within one epoch the commit id does.
 *
 * @param chain the last applied (or operator-skipped) item's place in the history
 * @param log the offset of that item's last record
 * @param epochEnds the epochs the standby saw end, each with the commit it ended at (the link of the next epoch's
 *                  start); what tells a redelivered record of an ended epoch from a fenced primary's without offsets
 */
public record AppliedPosition(ChainPosition chain, LogPosition log, SortedMap<Long, Long> epochEnds) {
    /** How many ended epochs a standby remembers: the newest; older ones fall back to the offset rule. */
    static final int REMEMBERED_EPOCHS = 64;

    public AppliedPosition {
        epochEnds = epochEnds == null || epochEnds.isEmpty() ? Collections.emptySortedMap() // no copy per item
                : Collections.unmodifiableSortedMap(new TreeMap<>(epochEnds));
    }

    /** A position without remembered epoch ends. */
    public AppliedPosition(ChainPosition chain, LogPosition log) {
        this(chain, log, null);
    }

    /** The position a watermark names; empty when the standby has none (not bootstrapped). */
    public static Optional<AppliedPosition> of(Optional<Watermark> w) {
        return w.map(AppliedPosition::of);
    }

    public static AppliedPosition of(Watermark w) {
        return new AppliedPosition(w.chainPosition(), new LogPosition(w.topic(), w.partition(), w.offset()),
                w.epochEnds());
    }

    /** The commit {@code epoch} ended at, when the standby saw it end. */
    public Optional<Long> endOf(long epoch) {
        return Optional.ofNullable(epochEnds.get(epoch));
    }

    /** The remembered ends plus {@code epoch} ending at {@code commitId}, the newest {@value #REMEMBERED_EPOCHS}. */
    SortedMap<Long, Long> endsWith(long epoch, long commitId) {
        TreeMap<Long, Long> ends = new TreeMap<>(epochEnds);
        ends.put(epoch, commitId);
        while (ends.size() > REMEMBERED_EPOCHS) {
            ends.pollFirstEntry();
        }
        return ends;
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
