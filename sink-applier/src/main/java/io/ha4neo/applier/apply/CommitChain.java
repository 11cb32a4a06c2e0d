package io.ha4neo.applier.apply;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The chain rule of the log, pure: decides for each item whether it was already applied, must be applied,
 * or is the operator's one skipped commit, and turns every other case into a {@link FatalApplierException}
 * naming both positions and the exact missing range.
 *
 * <p>{@code applied} is where the standby is, including earlier items of the batch being planned: a place in the
 * history, (epoch, commit id), and the log offset of the record that took it there; empty only when the standby has
 * no watermark at all (not bootstrapped). Commit ids of different epochs come from different stores and are never
 * compared as numbers: across epochs only the log order (offsets) and the links of epoch starts relate positions.
 * <ul>
 *   <li>An item of the standby's epoch follows the commit-id rules of a single store: redelivery when its commit id
 *       is at or below the applied one, otherwise its {@code previousCommitId} must be exactly the applied one.</li>
 *   <li>An epoch start is applied only when the standby is exactly at the position it links to
 *       ({@link ChainPosition#before}); it is a redelivery when the standby is at it, or past it in the log.</li>
 *   <li>An item of an older epoch is a redelivery only when it is behind the standby in the log; after it, it was
 *       published by a primary that was already replaced ({@code stale_epoch}).</li>
 *   <li>An item of a newer epoch that is not an epoch start has nothing linking it to the standby
 *       ({@code epoch_link}).</li>
 * </ul>
 *
 * <p>Undecodable records and fragments carry only the commit id of their record key, no epoch. When the record is
 * after the standby's offset, its commit id is taken to belong to the standby's epoch and judged by the single-store
 * rules (a further chunk of a commit applied or skipped before is passed over; the operator may skip it). At or before
 * the standby's offset it is behind the standby in the log and passed over, which in a log of one epoch is exactly
 * what the single-store rules decide too. If the next decodable item belongs to another epoch, its own check stops
 * the applier, so no item of another epoch is ever passed over for its commit id alone.
 */
public final class CommitChain {
    /** What to do with one item. */
    public enum Decision { ALREADY_APPLIED, APPLY, OPERATOR_SKIP }

    private final OptionalLong skipCommitId;
    private final OptionalLong skipEpoch; // empty: the skip is not limited to an epoch (no watermark at start)

    public CommitChain(OptionalLong skipCommitId) {
        this(skipCommitId, OptionalLong.empty());
    }

    private CommitChain(OptionalLong skipCommitId, OptionalLong skipEpoch) {
        this.skipCommitId = skipCommitId;
        this.skipEpoch = skipEpoch;
    }

    /**
     * This chain with the operator's skip limited to commits of {@code epoch}. A skip id is a bare commit id, read from
     * an error that named a commit of the epoch the standby is in when the applier is restarted with it (the items
     * before a fatal one are always applied first); every epoch numbers commits anew, so the same id in a later epoch
     * is another transaction, which a lingering {@code skip.commit.id} must not drop.
     */
    public CommitChain skippingOnlyInEpoch(long epoch) {
        return new CommitChain(skipCommitId, OptionalLong.of(epoch));
    }

    /** Decides for any item, by its kind. */
    public Decision admit(Optional<AppliedPosition> applied, LogItem item) {
        if (item instanceof LogItem.Transaction t) {
            return t.event().isEpochStart() ? admitEpochStart(applied, t) : admitTransaction(applied, t);
        }
        if (item instanceof LogItem.Undecodable u) {
            return admitUndecodable(applied, u);
        }
        return admitFragment(applied, (LogItem.Fragment) item);
    }

    /**
     * Where the standby is after an item this chain applied or skipped, standing at {@code applied}. Passing an epoch
     * start, it remembers where the previous epoch ended (the start's link).
     */
    public static AppliedPosition after(Optional<AppliedPosition> applied, LogItem item) {
        // an item without an event has no epoch, only a key: it is taken to be of the standby's (see class comment)
        long epoch = item instanceof LogItem.Transaction t ? t.event().epoch()
                : applied.map(AppliedPosition::epoch).orElse(0L);
        java.util.SortedMap<Long, Long> ends = applied.map(AppliedPosition::epochEnds).orElse(null);
        if (item instanceof LogItem.Transaction t && t.event().isEpochStart()) {
            ChainPosition link = ChainPosition.before(t.event());
            ends = applied.orElse(new AppliedPosition(link, item.position())).endsWith(link.epoch(), link.commitId());
        }
        return new AppliedPosition(new ChainPosition(epoch, commitIdOf(item)), item.position(), ends);
    }

    /** The commit id an item is named by: its event's, or its record key's (only a readable key can be skipped). */
    static long commitIdOf(LogItem item) {
        if (item instanceof LogItem.Transaction t) {
            return t.event().commitId();
        }
        if (item instanceof LogItem.Undecodable u) {
            return u.commitId().orElseThrow();
        }
        return ((LogItem.Fragment) item).commitId();
    }

    // ------------------------------------------------------------------ whole transactions

    private Decision admitTransaction(Optional<AppliedPosition> applied, LogItem.Transaction item) {
        if (applied.isEmpty()) {
            return admitFirst(item);
        }
        AppliedPosition w = applied.get();
        long epoch = item.event().epoch();
        if (epoch == w.epoch()) {
            return admitInEpoch(w.commitId(), true, item);
        }
        if (epoch < w.epoch()) {
            return admitOlderEpoch(w, item);
        }
        throw new FatalApplierException("epoch_link", "an event of epoch " + epoch + " at " + item.position()
                + ", " + ChainPosition.of(item.event()) + " after " + ChainPosition.before(item.event())
                + ", but this standby is at " + w + ": no epoch start links them (the start of epoch " + epoch
                + " is not in the log before it). Applier stopped; nothing after " + w.chain() + " was applied. "
                + "Re-bootstrap this standby from the current primary.");
    }

    /** A standby without a watermark: the first transaction must be the start of the log. */
    private Decision admitFirst(LogItem.Transaction item) {
        TransactionEvent e = item.event();
        if (e.previousCommitId() != 0) {
            throw new FatalApplierException("chain_gap", "standby has no watermark, but the first transaction in "
                    + item.position() + " is commit " + e.commitId() + " which follows commit " + e.previousCommitId()
                    + ", not the start of the log. Nothing was written; applier stopped. The standby must be "
                    + "bootstrapped first: " + BootstrapRefusal.FIX + " (`" + BootstrapRefusal.COMMAND
                    + " --standby <member>`), then start this applier again.");
        }
        return admitInEpoch(0, false, item);
    }

    /** The single-store rules: redelivery by commit id, chain link, operator skip, capture gap. */
    private Decision admitInEpoch(long applied, boolean bootstrapped, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        if (bootstrapped && e.commitId() <= applied) {
            return Decision.ALREADY_APPLIED; // redelivery: the watermark already covers it
        }
        if (e.previousCommitId() != applied) {
            throw chainBroken(applied, item);
        }
        if (isSkip(e.epoch(), e.commitId())) {
            return Decision.OPERATOR_SKIP;
        }
        if (e.isGap()) {
            throw captureGap(applied, item);
        }
        return Decision.APPLY;
    }

    /**
     * An item of an epoch the standby has left: a redelivery, or a fenced primary's. A redelivery is behind the standby
     * in the log, or, where the standby saw its epoch end, at or below that end (MirrorMaker 2 copies again after a
     * crash, later in the mirrored log; an epoch start must then also link where the standby saw the epoch before it
     * end, if it saw that). A fenced primary published after the handover: above its epoch's end.
     */
    private static Decision admitOlderEpoch(AppliedPosition w, LogItem.Transaction item) {
        if (w.covers(item)) {
            return Decision.ALREADY_APPLIED;
        }
        TransactionEvent e = item.event();
        if (w.endOf(e.epoch()).filter(end -> e.commitId() <= end).isPresent() && linksAsSeen(w, e)) {
            return Decision.ALREADY_APPLIED;
        }
        throw new FatalApplierException("stale_epoch", "an event of epoch " + item.event().epoch() + " at "
                + item.position() + ", " + ChainPosition.of(item.event()) + ", after this standby reached " + w
                + ": a primary that was fenced published after the handover. Applier stopped; this standby is "
                + "consistent at " + w.chain() + ". Stop the old primary (its producer should have been fenced), and "
                + "see docs/applier.md (Chain rule): the record cannot be skipped, skip.commit.id never crosses "
                + "epochs.");
    }

    /** The primary announced commits it could not capture: stop there, naming the range and the way out. */
    private static FatalApplierException captureGap(long applied, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        return new FatalApplierException("capture_gap", "gap event at " + item.position() + ": the primary committed "
                + e.gap() + " but could not capture them, so this standby cannot be complete past commit " + applied
                + ". Applier stopped; nothing after commit " + applied + " was applied. Re-bootstrap the standby, or, "
                + "if the loss is accepted, set skip.commit.id=" + e.commitId() + " and restart (see docs/applier.md).");
    }

    // ------------------------------------------------------------------ epoch starts

    /**
     * An epoch start links the last commit of the previous epoch to the new primary's store: applied only when the
     * standby is exactly there. Never the operator's skip: skipping it would join two histories unchecked.
     */
    private Decision admitEpochStart(Optional<AppliedPosition> applied, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        if (applied.isEmpty()) {
            throw new FatalApplierException("chain_gap", "standby has no watermark, but the first item in "
                    + item.position() + " is the start of epoch " + e.epoch() + " after " + ChainPosition.before(e)
                    + ", not the start of the log. Nothing was written; applier stopped. The standby must be "
                    + "bootstrapped first: " + BootstrapRefusal.FIX + " (`" + BootstrapRefusal.COMMAND
                    + " --standby <member>`), then start this applier again.");
        }
        AppliedPosition w = applied.get();
        if (e.epoch() < w.epoch()) {
            return admitOlderEpoch(w, item);
        }
        if (w.chain().equals(ChainPosition.of(e)) || (e.epoch() == w.epoch() && w.covers(item))) {
            return Decision.ALREADY_APPLIED; // redelivered, the standby is at it or past it in the log
        }
        if (w.chain().equals(ChainPosition.before(e))) {
            return Decision.APPLY;
        }
        if (e.epoch() == w.epoch() && e.commitId() <= w.commitId()
                && w.endOf(ChainPosition.before(e).epoch()).isPresent() && linksAsSeen(w, e)) {
            return Decision.ALREADY_APPLIED; // this epoch's start, redelivered after the standby passed it
        }
        throw epochLinkBroken(w, item);
    }

    /**
     * For an epoch start: its link is where the standby saw the previous epoch end, when it saw that. Other events:
     * true. An epoch start of the same number that links elsewhere is another primary's claim, never a redelivery.
     */
    private static boolean linksAsSeen(AppliedPosition w, TransactionEvent e) {
        if (!e.isEpochStart()) {
            return true;
        }
        ChainPosition link = ChainPosition.before(e);
        return w.endOf(link.epoch()).map(end -> end == link.commitId()).orElse(true);
    }

    private FatalApplierException epochLinkBroken(AppliedPosition w, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        ChainPosition link = ChainPosition.before(e);
        String head = "epoch " + e.epoch() + " starts at " + item.position() + " after " + link + ", but this standby "
                + "is at " + w.chain() + " (offset " + w.log().offset() + "): ";
        String tail = " Applier stopped; nothing after " + w.chain() + " was applied."
                + (isSkipId(e.commitId()) ? " skip.commit.id never applies to an epoch start." : "");
        return new FatalApplierException("epoch_link", head + whyNotLinked(w.chain(), link, e.epoch()) + tail);
    }

    /** What the standby's position says about a broken epoch link, and what the operator does about it. */
    private static String whyNotLinked(ChainPosition at, ChainPosition link, long epoch) {
        if (at.epoch() == epoch) {
            return "epoch " + epoch + " started a second time. The log holds two starts of one epoch; re-bootstrap "
                    + "this standby from the current primary.";
        }
        if (at.epoch() == link.epoch() && at.commitId() < link.commitId()) {
            return "it is behind, missing commits (" + at.commitId() + ", " + link.commitId() + "] of epoch "
                    + link.epoch() + ", which are not in the log before the epoch start. Re-bootstrap this standby "
                    + "from the new primary.";
        }
        if (at.epoch() == link.epoch()) {
            return "it is ahead: it applied commits (" + link.commitId() + ", " + at.commitId() + "] of epoch "
                    + link.epoch() + " that the new primary never had (promoted before they reached it). This "
                    + "standby must be re-seeded from the new primary.";
        }
        return "it is in epoch " + at.epoch() + ", not in epoch " + link.epoch() + " that epoch " + epoch
                + " follows" + (at.epoch() < link.epoch() ? " (the start of epoch " + link.epoch() + " was never "
                + "applied)" : " (it followed an epoch the new primary never had)") + ". Re-bootstrap this standby "
                + "from the new primary.";
    }

    // ------------------------------------------------------------------ items without an event

    /**
     * Decides for a record that could not be decoded, by the commit id in its key: passed over when it is behind the
     * standby in the log or the watermark covers its commit id (a further chunk of a commit already applied or
     * skipped), the operator's skip when it is exactly {@code skip.commit.id} and after the watermark, fatal
     * otherwise. Its {@code previousCommitId} cannot be read, so it is the next transaction's chain check that proves
     * nothing else was missed.
     */
    private Decision admitUndecodable(Optional<AppliedPosition> applied, LogItem.Undecodable item) {
        OptionalLong key = item.commitId();
        long w = appliedCommitId(applied);
        if (behind(applied, item) || (key.isPresent() && applied.isPresent() && key.getAsLong() <= w)) {
            return Decision.ALREADY_APPLIED;
        }
        if (key.isPresent() && isSkip(applied, key.getAsLong()) && key.getAsLong() > w) {
            return Decision.OPERATOR_SKIP;
        }
        throw new FatalApplierException("decode", "cannot decode the record at " + item.position() + " (commit id "
                + (key.isPresent() ? key.getAsLong() : "unknown, key unreadable") + "): " + item.error().getMessage()
                + ". Applier stopped; nothing after the standby's last applied " + describe(applied) + " was applied. "
                + "Fix the producer or, if the transaction is known to be lost, set skip.commit.id="
                + (key.isPresent() ? key.getAsLong() : "<id>") + " and restart (see docs/applier.md).");
    }

    /** Decides for a piece of a chunked transaction that cannot be reassembled, with the same rules. */
    private Decision admitFragment(Optional<AppliedPosition> applied, LogItem.Fragment item) {
        if (behind(applied, item) || (applied.isPresent() && item.commitId() <= appliedCommitId(applied))) {
            return Decision.ALREADY_APPLIED;
        }
        if (isSkip(applied, item.commitId())) {
            return Decision.OPERATOR_SKIP;
        }
        throw new FatalApplierException("chunk_sequence", "broken chunk sequence at " + item.position() + ", commit "
                + item.commitId() + ": " + item.problem() + ". Applier stopped; nothing after the standby's last "
                + "applied " + describe(applied) + " was applied; the topic holds an incomplete transaction. Fix the "
                + "producer or, if the transaction is known to be lost, set skip.commit.id=" + item.commitId()
                + " and restart (see docs/applier.md).");
    }

    private static boolean behind(Optional<AppliedPosition> applied, LogItem item) {
        return applied.isPresent() && applied.get().covers(item);
    }

    private static long appliedCommitId(Optional<AppliedPosition> applied) {
        return applied.map(AppliedPosition::commitId).orElse(0L);
    }

    private static String describe(Optional<AppliedPosition> applied) {
        return applied.map(a -> "commit " + a.commitId() + " (epoch " + a.epoch() + ")").orElse("commit 0 (none)");
    }

    private boolean isSkipId(long commitId) {
        return skipCommitId.isPresent() && skipCommitId.getAsLong() == commitId;
    }

    /** True when the operator skips commit {@code commitId} of {@code epoch}. */
    private boolean isSkip(long epoch, long commitId) {
        return isSkipId(commitId) && (skipEpoch.isEmpty() || skipEpoch.getAsLong() == epoch);
    }

    /** For an item without an epoch: its commit id is taken to be of the standby's epoch (see class comment). */
    private boolean isSkip(Optional<AppliedPosition> applied, long commitId) {
        return applied.isPresent() ? isSkip(applied.get().epoch(), commitId)
                : isSkipId(commitId) && skipEpoch.isEmpty();
    }

    private FatalApplierException chainBroken(long applied, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        String where = item.position() + ", commit " + e.commitId();
        if (isSkip(e.epoch(), e.commitId())) {
            return new FatalApplierException("skip_refused", "skip.commit.id=" + e.commitId() + " refused at " + where
                    + ": that commit follows commit " + e.previousCommitId() + ", but the standby has applied commit "
                    + applied + ", so it is not the next one in the chain. Applier stopped; remove or correct "
                    + "skip.commit.id and restart.");
        }
        if (e.previousCommitId() > applied) {
            return new FatalApplierException("chain_gap", "gap in the commit chain at " + where + ": it follows commit "
                    + e.previousCommitId() + " but the standby has applied only up to commit " + applied
                    + "; missing commits (" + applied + ", " + e.previousCommitId() + "]. Applier stopped; the "
                    + "missing transactions are not in the topic. Re-bootstrap the standby, or if the loss is "
                    + "accepted, skip them one at a time with skip.commit.id.");
        }
        return new FatalApplierException("chain_gap", "the log forks at " + where + ": it follows commit "
                + e.previousCommitId() + " but the standby has already applied commit " + applied
                + " after that (a stale primary published?). Applier stopped; re-bootstrap the standby.");
    }
}
