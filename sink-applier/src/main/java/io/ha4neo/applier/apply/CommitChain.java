package io.ha4neo.applier.apply;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.OptionalLong;

/**
 * The chain rule of the log, pure: decides for each item whether it was already applied, must be applied,
 * or is the operator's one skipped commit, and turns every other case into a {@link FatalApplierException}
 * with the exact missing range.
 *
 * <p>{@code applied} is the commit id of the last transaction applied, including earlier items of the
 * batch being planned; {@code bootstrapped} is false only when the standby has no watermark at all.
 */
public final class CommitChain {
    /** What to do with one item. */
    public enum Decision { ALREADY_APPLIED, APPLY, OPERATOR_SKIP }

    private final OptionalLong skipCommitId;

    public CommitChain(OptionalLong skipCommitId) {
        this.skipCommitId = skipCommitId;
    }

    /** Decides for any item, by its kind. */
    public Decision admit(long applied, boolean bootstrapped, LogItem item) {
        if (item instanceof LogItem.Transaction t) {
            return admit(applied, bootstrapped, t);
        }
        if (item instanceof LogItem.Undecodable u) {
            return admit(applied, bootstrapped, u);
        }
        return admit(applied, bootstrapped, (LogItem.Fragment) item);
    }

    /** Decides for a whole transaction. */
    public Decision admit(long applied, boolean bootstrapped, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        if (bootstrapped && e.commitId() <= applied) {
            return Decision.ALREADY_APPLIED; // redelivery: the watermark already covers it
        }
        if (!bootstrapped && e.previousCommitId() != 0) {
            throw new FatalApplierException("chain_gap", "standby has no watermark, but the first transaction in "
                    + item.position() + " is commit " + e.commitId() + " which follows commit " + e.previousCommitId()
                    + ", not the start of the log. The standby must be bootstrapped first (copy of the primary at a "
                    + "known commit id and a matching watermark); applier stopped.");
        }
        if (e.previousCommitId() != applied) {
            throw chainBroken(applied, item);
        }
        if (isSkip(e.commitId())) {
            return Decision.OPERATOR_SKIP;
        }
        if (e.isGap()) {
            throw captureGap(applied, item);
        }
        return Decision.APPLY;
    }

    /** The primary announced commits it could not capture: stop there, naming the range and the way out. */
    private static FatalApplierException captureGap(long applied, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        return new FatalApplierException("capture_gap", "gap event at " + item.position() + ": the primary committed "
                + e.gap() + " but could not capture them, so this standby cannot be complete past commit " + applied
                + ". Applier stopped; nothing after commit " + applied + " was applied. Re-bootstrap the standby, or, "
                + "if the loss is accepted, set skip.commit.id=" + e.commitId() + " and restart (see docs/applier.md).");
    }

    /**
     * Decides for a record that could not be decoded, by the commit id in its key: passed over when the watermark
     * covers it (a further chunk of a commit already applied or skipped), the operator's skip when it is exactly
     * {@code skip.commit.id} and after the watermark, fatal otherwise. Its {@code previousCommitId} cannot be read,
     * so it is the next transaction's chain check that proves nothing else was missed.
     */
    public Decision admit(long applied, boolean bootstrapped, LogItem.Undecodable item) {
        OptionalLong key = item.commitId();
        if (key.isPresent() && bootstrapped && key.getAsLong() <= applied) {
            return Decision.ALREADY_APPLIED;
        }
        if (key.isPresent() && isSkip(key.getAsLong()) && key.getAsLong() > applied) {
            return Decision.OPERATOR_SKIP;
        }
        throw new FatalApplierException("decode", "cannot decode the record at " + item.position() + " (commit id "
                + (key.isPresent() ? key.getAsLong() : "unknown, key unreadable") + "): " + item.error().getMessage()
                + ". Applier stopped; nothing after the standby's last applied commit " + applied + " was applied. "
                + "Fix the producer or, if the transaction is known to be lost, set skip.commit.id="
                + (key.isPresent() ? key.getAsLong() : "<id>") + " and restart (see docs/applier.md).");
    }

    /** Decides for a piece of a chunked transaction that cannot be reassembled, with the same rules. */
    public Decision admit(long applied, boolean bootstrapped, LogItem.Fragment item) {
        if (bootstrapped && item.commitId() <= applied) {
            return Decision.ALREADY_APPLIED;
        }
        if (isSkip(item.commitId())) {
            return Decision.OPERATOR_SKIP;
        }
        throw new FatalApplierException("chunk_sequence", "broken chunk sequence at " + item.position() + ", commit "
                + item.commitId() + ": " + item.problem() + ". Applier stopped; nothing after the standby's last "
                + "applied commit " + applied + " was applied; the topic holds an incomplete transaction. Fix the "
                + "producer or, if the transaction is known to be lost, set skip.commit.id=" + item.commitId()
                + " and restart (see docs/applier.md).");
    }

    private boolean isSkip(long commitId) {
        return skipCommitId.isPresent() && skipCommitId.getAsLong() == commitId;
    }

    private FatalApplierException chainBroken(long applied, LogItem.Transaction item) {
        TransactionEvent e = item.event();
        String where = item.position() + ", commit " + e.commitId();
        if (isSkip(e.commitId())) {
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
