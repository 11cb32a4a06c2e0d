package io.ha4neo.applier.apply;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import io.ha4neo.schemas.event.CaptureBaseline;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;

/**
 * Whether the log may be applied onto a standby that has no watermark, pure. Such a standby must hold nothing that
 * the log does not: before the applier writes anything to it (not the watermark, not its reserved constraints, not a
 * single entity), two things are checked, in this order:
 * <ol>
 *   <li>the standby holds no user data ({@link StoreContent}): whatever it holds was not written by this applier
 *       from this log, and applying the log onto it would mix two histories;</li>
 *   <li>the log begins where the primary's store was empty: its first event is the {@link CaptureBaseline} of
 *       capture's first start, and that store held no user data. Otherwise everything the store held then is missing
 *       from the log, and the standby would silently lack it (add-only workloads never notice).</li>
 * </ol>
 * Either refusal is fatal ({@link BootstrapRefusal#KIND}) and names the standby, the log's first position and the
 * fix: {@link BootstrapRefusal#FIX}. A first item that is not a baseline is left to {@link CommitChain}: an event
 * that starts the log without one is a log written before event schema v5, applied as before; anything else is not
 * the start of a log.
 *
 * <pre>{@code
 * boolean hasBaseline = BaselineCheck.requireSeeded(store.name(), store.userContent(), items.get(0));
 * }</pre>
 */
final class BaselineCheck {
    private BaselineCheck() {
    }

    /**
     * Throws a {@link FatalApplierException} of kind {@link BootstrapRefusal#KIND} when the log must not be applied
     * onto the standby {@code standby}, which has no watermark and holds {@code content}, starting with {@code first},
     * the first item of the log.
     *
     * @return true when the log begins with a baseline (from an empty store), false when it has none (older log)
     */
    static boolean requireSeeded(String standby, StoreContent content, LogItem first) {
        if (!content.isEmpty()) {
            throw new FatalApplierException(BootstrapRefusal.KIND, "standby " + standby + " has no watermark but "
                    + "already holds " + content + " that this applier did not write; the log begins at "
                    + describe(first) + ". Applying the log onto other data would mix two histories. Nothing was "
                    + "written; applier stopped. To follow the log, " + BootstrapRefusal.FIX + " (`"
                    + BootstrapRefusal.COMMAND + " --standby <member> --reseed`, which replaces that data with the "
                    + "primary's graph), then start this applier again.");
        }
        CaptureBaseline baseline = baselineOf(first);
        if (baseline != null && baseline.storeHeldData()) {
            TransactionEvent e = ((LogItem.Transaction) first).event();
            throw new FatalApplierException(BootstrapRefusal.KIND, "standby " + standby + " has no watermark, and "
                    + "the log begins at " + describe(first) + ": capture first started on member '"
                    + baseline.member() + "' after commit " + e.commitId() + ", on a store that already held "
                    + baseline.content() + ". None of it is in the log, so this standby would silently lack it. "
                    + "Nothing was written; applier stopped. To follow the log, " + BootstrapRefusal.FIX + " up to "
                    + ChainPosition.of(e) + " or later: run `" + BootstrapRefusal.COMMAND + " --standby <member>`, "
                    + "then start this applier again (README, operations with the CLI).");
        }
        return baseline != null;
    }

    private static CaptureBaseline baselineOf(LogItem item) {
        return item instanceof LogItem.Transaction t ? t.event().baseline() : null;
    }

    /** "its baseline (epoch 0, commit 17) at topic t partition 0 offset 0", or the first item's place. */
    private static String describe(LogItem first) {
        if (first instanceof LogItem.Transaction t) {
            TransactionEvent e = t.event();
            return (e.isBaseline() ? "its baseline " : "") + ChainPosition.of(e) + " at " + first.position()
                    + (e.isBaseline() ? "" : " (no baseline: a log written before event schema v5, or not the "
                    + "log's start)");
        }
        return first.position() + " (a record that cannot be read as a whole transaction)";
    }
}
