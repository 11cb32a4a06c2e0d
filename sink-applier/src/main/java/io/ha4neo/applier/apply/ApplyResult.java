package io.ha4neo.applier.apply;

import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What one {@link ChangeApplier#apply} call committed, for metrics and logs. */
public final class ApplyResult {
    private int transactions;
    private int changes;
    private int skipped;
    private final List<Long> sourceCommitTimes = new ArrayList<>();
    private Watermark last;
    private BootstrapMark bootstrap; // of the last applied bootstrap event, if any

    /** Records one standby write: the events it applied, the operator skips among it, the watermark it wrote. */
    public void record(List<TransactionEvent> events, int skippedCount, Watermark watermark) {
        transactions += events.size() + skippedCount;
        skipped += skippedCount;
        events.forEach(e -> {
            changes += e.changeCount();
            sourceCommitTimes.add(e.commitTimeMillis());
            if (e.isBootstrap()) {
                bootstrap = e.bootstrap();
            }
        });
        last = watermark;
    }

    /** Transactions committed, operator skips included. */
    public int transactions() { return transactions; }
    public int changes() { return changes; }
    public int skipped() { return skipped; }
    /** Origin commit times of the applied transactions, for the latency histogram. */
    public List<Long> sourceCommitTimes() { return sourceCommitTimes; }
    /**
     * The mark of the last event of the standby's own bootstrap run applied by the call (its begin, a chunk or its
     * end; other runs' events are passed over, not applied): its sent counts are the images applied so far.
     */
    public Optional<BootstrapMark> lastBootstrapMark() { return Optional.ofNullable(bootstrap); }
    /** The watermark after the call, empty when nothing was written. */
    public Optional<Watermark> lastWatermark() { return Optional.ofNullable(last); }
}
