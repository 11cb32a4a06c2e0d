package io.ha4neo.applier.apply;

import io.ha4neo.schemas.event.TransactionEvent;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * Point in time, pure: which transactions of the log the applier may apply now. Neo4j Community has no point-in-time
 * recovery; a standby with a window is one.
 * <ul>
 *   <li>{@code untilCommitId} (with {@code untilEpoch}, or in any epoch when that is empty): the standby holds at that
 *       commit; nothing after it is applied ({@code apply.until.commit.id}, like MySQL's {@code START REPLICA UNTIL}).
 *       </li>
 *   <li>{@code untilCommitTimeMillis}: the standby holds before the first transaction its primary committed after
 *       that instant ({@code apply.until.commit.time}).</li>
 *   <li>{@code delayMillis}: a transaction is applied only once that long has passed since its commit on the primary
 *       ({@code apply.delay.ms}, like MySQL's {@code SOURCE_DELAY}), so an accidental {@code MATCH (n) DETACH DELETE n}
 *       reaches this standby only after the delay, time enough to stop its applier and restart it with an until.</li>
 * </ul>
 * Only whole transactions are judged: a record that cannot be decoded, or a fragment, carries no commit time, and the
 * chain rule decides about it.
 */
public record ApplyWindow(OptionalLong untilCommitId, OptionalLong untilEpoch, OptionalLong untilCommitTimeMillis,
                          long delayMillis) {
    /** No window: everything is applied as soon as it is read. */
    public static final ApplyWindow NONE = new ApplyWindow(OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), 0);

    public ApplyWindow {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("a delay cannot be negative: " + delayMillis);
        }
        if (untilEpoch.isPresent() && untilCommitId.isEmpty()) {
            throw new IllegalArgumentException("an until epoch needs an until commit id");
        }
    }

    /** What to do with an item now. */
    public enum Kind {
        /** Apply it. */
        APPLY,
        /** Not yet: its delay has not passed ({@link Verdict#notBeforeMillis()}). */
        WAIT,
        /** Never (until restarted with another window): it is past the until point. */
        HOLD
    }

    /**
     * The verdict on one item.
     *
     * @param kind what to do
     * @param notBeforeMillis for WAIT: when it may be applied
     * @param reason for WAIT and HOLD: why, for the log and the status
     */
    public record Verdict(Kind kind, long notBeforeMillis, String reason) {
        static final Verdict APPLY = new Verdict(Kind.APPLY, 0, "");
    }

    /** True when this window changes nothing. */
    public boolean isOpen() {
        return untilCommitId.isEmpty() && untilCommitTimeMillis.isEmpty() && delayMillis == 0;
    }

    /** The verdict on {@code item} at time {@code nowMillis}. */
    public Verdict verdict(LogItem item, long nowMillis) {
        if (!(item instanceof LogItem.Transaction t)) {
            return Verdict.APPLY;
        }
        TransactionEvent e = t.event();
        if (isPastUntilCommit(e)) {
            return new Verdict(Kind.HOLD, 0, "commit " + e.commitId() + " (epoch " + e.epoch() + ") is past "
                    + "apply.until.commit.id " + untilCommitId.getAsLong()
                    + (untilEpoch.isPresent() ? " of epoch " + untilEpoch.getAsLong() : ""));
        }
        if (untilCommitTimeMillis.isPresent() && e.commitTimeMillis() > untilCommitTimeMillis.getAsLong()) {
            return new Verdict(Kind.HOLD, 0, "commit " + e.commitId() + " (epoch " + e.epoch() + ") was committed at "
                    + Instant.ofEpochMilli(e.commitTimeMillis()) + ", after apply.until.commit.time "
                    + Instant.ofEpochMilli(untilCommitTimeMillis.getAsLong()));
        }
        long notBefore = e.commitTimeMillis() + delayMillis;
        if (delayMillis > 0 && nowMillis < notBefore) {
            return new Verdict(Kind.WAIT, notBefore, "commit " + e.commitId() + " (epoch " + e.epoch() + ") is "
                    + "applied " + delayMillis + " ms after its commit (apply.delay.ms), at "
                    + Instant.ofEpochMilli(notBefore));
        }
        return Verdict.APPLY;
    }

    /** How many items from the start of {@code items} may be applied now (all of them when the window is open). */
    public int admitted(List<LogItem> items, long nowMillis) {
        if (isOpen()) {
            return items.size();
        }
        for (int i = 0; i < items.size(); i++) {
            if (verdict(items.get(i), nowMillis).kind() != Kind.APPLY) {
                return i;
            }
        }
        return items.size();
    }

    private boolean isPastUntilCommit(TransactionEvent e) {
        if (untilCommitId.isEmpty()) {
            return false;
        }
        if (untilEpoch.isPresent() && e.epoch() != untilEpoch.getAsLong()) {
            return e.epoch() > untilEpoch.getAsLong();
        }
        return e.commitId() > untilCommitId.getAsLong();
    }

    /** "holds after commit 42 (any epoch), applies 30000 ms after commit", for the start-up log. */
    public String describe() {
        if (isOpen()) {
            return "no point-in-time window";
        }
        StringBuilder b = new StringBuilder();
        untilCommitId.ifPresent(c -> b.append("holds after commit ").append(c).append(untilEpoch.isPresent()
                ? " of epoch " + untilEpoch.getAsLong() : " (any epoch)"));
        untilCommitTimeMillis.ifPresent(t -> b.append(b.length() > 0 ? "; " : "")
                .append("holds before the first commit after ").append(Instant.ofEpochMilli(t)));
        if (delayMillis > 0) {
            b.append(b.length() > 0 ? "; " : "").append("applies each commit ").append(delayMillis)
                    .append(" ms after it was committed");
        }
        return b.toString();
    }
}
