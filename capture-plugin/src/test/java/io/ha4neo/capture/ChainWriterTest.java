package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.capture.mapping.CapturedChanges;
import io.ha4neo.capture.spool.EventLog;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.TransactionEvent;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.logging.NullLog;

/** The chain in the spool accounts for every commit id, even while the spool refuses writes. */
class ChainWriterTest {
    private final EventCodec codec = EventCodecs.embedded();
    private final FlakyLog spool = new FlakyLog();

    @TempDir
    Path dir;

    /** An in-memory event log that fails like a full disk while {@link #failing} is set. */
    final class FlakyLog implements EventLog {
        final List<TransactionEvent> events = new ArrayList<>();
        boolean failing;
        long lastSequenced;

        @Override
        public void append(long commitId, long previousCommitId, List<byte[]> records) {
            if (failing) {
                throw new UncheckedIOException(new java.io.IOException("No space left on device"));
            }
            try {
                events.add(codec.decode(records.get(0)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            lastSequenced = commitId;
        }

        @Override
        public void mark(long commitId) {
            if (failing) {
                throw new UncheckedIOException(new java.io.IOException("No space left on device"));
            }
            lastSequenced = Math.max(lastSequenced, commitId);
        }

        @Override
        public long lastSequencedId() {
            return lastSequenced;
        }

        @Override
        public long lastEventId() {
            return events.isEmpty() ? 0 : events.get(events.size() - 1).commitId();
        }
    }

    private ChainWriter writer() {
        return new ChainWriter(spool, codec, new GapLog(dir.resolve("gaps.log")),
                new ChainWriter.Origin("dc1", 0, "neo4j"), NullLog.getInstance());
    }

    private static ChainWriter.Pending change() {
        return new ChainWriter.Pending(1L, new CapturedChanges(), null);
    }

    @Test
    void commitsTheSpoolCannotTakeBecomeOneGapEventBeforeTheFirstEventItTakesAgain() throws Exception {
        ChainWriter chain = writer();
        chain.append(1, change());
        spool.failing = true;
        chain.append(2, change());
        chain.append(3, null);
        chain.append(4, change());
        spool.failing = false;
        chain.append(5, null);
        chain.append(6, change());

        assertThat(spool.events).extracting(TransactionEvent::commitId).containsExactly(1L, 5L, 6L);
        TransactionEvent gap = spool.events.get(1);
        assertThat(gap.isGap()).isTrue();
        assertThat(gap.gap().firstCommitId()).isEqualTo(2);
        assertThat(gap.gap().reason()).contains("could not be written to the spool").contains("No space left");
        assertThat(gap.previousCommitId()).isEqualTo(1);
        assertThat(spool.events.get(2).previousCommitId()).as("the chain continues after the gap").isEqualTo(5);
    }

    @Test
    void aCaptureFailureOrAnUnencodableTransactionBecomesAGapEventForItsIdAndTheChainContinues() throws Exception {
        ChainWriter chain = writer();
        chain.append(1, change());
        chain.append(2, new ChainWriter.Pending(1L, null, "capture failed in beforeCommit: boom"));
        chain.append(3, change());
        assertThat(spool.events).extracting(TransactionEvent::commitId).containsExactly(1L, 2L, 3L);
        assertThat(spool.events.get(1).gap().reason()).isEqualTo("capture failed in beforeCommit: boom");
        assertThat(spool.events.get(2).previousCommitId()).isEqualTo(2);
    }

    @Test
    void aStalledRangeBecomesAGapEventButALateCallbackForIt() throws Exception {
        ChainWriter chain = writer();
        chain.append(1, change());
        chain.sequencerGap(2, 4, "no commit callback within 30000 ms while later commits waited");
        chain.append(5, change());
        chain.sequencerGap(3, 3, "its callback arrived after the id was already given up as stalled");
        assertThat(spool.events).extracting(TransactionEvent::commitId).containsExactly(1L, 4L, 5L);
        assertThat(spool.events.get(1).gap().firstCommitId()).isEqualTo(2);
    }
}
