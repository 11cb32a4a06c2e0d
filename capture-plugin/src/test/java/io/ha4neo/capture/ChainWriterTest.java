package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.ha4neo.capture.mapping.CapturedChanges;
import io.ha4neo.capture.spool.EventLog;
import io.ha4neo.capture.spool.SpoolRecordTooLargeException;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.codec.EncodeException;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.TransactionEvent;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
        long tooLarge = -1;
        long lastSequenced;

        @Override
        public void append(long commitId, long previousCommitId, List<byte[]> records) {
            if (failing) {
                throw new UncheckedIOException(new java.io.IOException("No space left on device"));
            }
            TransactionEvent event;
            try {
                event = codec.decode(records.get(0));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (commitId == tooLarge && !event.isGap()) {
                throw new SpoolRecordTooLargeException(commitId, "commit " + commitId + ": its 4097 records take "
                        + "2148532245 bytes in the spool, over the limit of 1073741824 bytes for one transaction");
            }
            events.add(event);
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
        return writer(codec);
    }

    private ChainWriter writer(EventCodec with) {
        return new ChainWriter(spool, with, new GapLog(dir.resolve("gaps.log")),
                new ChainWriter.Origin("dc1", 0, "neo4j"), NullLog.getInstance());
    }

    /** The real codec, except that encoding the transaction of commit {@code failing} throws {@code failure}. */
    private EventCodec codecFailingFor(long failing, Throwable failure) {
        return new EventCodec() {
            @Override
            public List<byte[]> encode(TransactionEvent event) {
                if (event.commitId() == failing && !event.isGap()) {
                    sneakyThrow(failure);
                }
                return codec.encode(event);
            }

            @Override
            public TransactionEvent decode(byte[] recordValue) throws DecodeException {
                return codec.decode(recordValue);
            }

            @Override
            public int maxRecordBytes() {
                return codec.maxRecordBytes();
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * What the real codec throws for a transaction over 2 GiB, as measured on JDK 17 with {@code -Xmx14g}: the two
     * errors come from the JDK's buffers and escape the codec, which wraps only exceptions.
     */
    static Stream<Arguments> encodingFailuresOfEventsOverTwoGibibytes() {
        return Stream.of(
                Arguments.of("a 2 GiB byte array: ByteArrayOutputStream cannot grow past the array limit",
                        new OutOfMemoryError("Required array length 256 + 2147483394 is too large"),
                        "java.lang.OutOfMemoryError: Required array length 256 + 2147483394 is too large"),
                Arguments.of("a 1 G-character Latin-1 string: its UTF-8 bytes exceed the VM's array limit",
                        new OutOfMemoryError("Requested array size exceeds VM limit"),
                        "java.lang.OutOfMemoryError: Requested array size exceeds VM limit"),
                Arguments.of("a 1 G-character UTF-16 string: its UTF-8 byte count overflows int",
                        new EncodeException("commit 2: cannot encode the event (java.lang.NegativeArraySizeException: "
                                + "-1073741836); it was not published", new NegativeArraySizeException("-1073741836")),
                        "commit 2: cannot encode the event (java.lang.NegativeArraySizeException: -1073741836)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodingFailuresOfEventsOverTwoGibibytes")
    void anEventTooLargeToEncodeBecomesAGapEventForItsOwnIdAndTheNextCommitIsChainedAfterIt(String source,
            Throwable failure, String reason) throws Exception {
        ChainWriter chain = writer(codecFailingFor(2, failure));
        chain.append(1, change());
        // assertThatCode catches errors too: an OutOfMemoryError escaping to JUnit would abort the whole test run
        assertThatCode(() -> chain.append(2, change())).as("an error escaping into afterCommit")
                .doesNotThrowAnyException();
        chain.append(3, change());

        assertThat(spool.events).extracting(TransactionEvent::commitId).containsExactly(1L, 2L, 3L);
        TransactionEvent gap = spool.events.get(1);
        assertThat(gap.isGap()).isTrue();
        assertThat(gap.gap().firstCommitId()).isEqualTo(2);
        assertThat(gap.gap().lastCommitId()).isEqualTo(2);
        assertThat(gap.gap().reason()).startsWith("cannot encode the transaction").contains(reason);
        assertThat(gap.previousCommitId()).isEqualTo(1);
        assertThat(spool.events.get(2).isGap()).isFalse();
        assertThat(spool.events.get(2).previousCommitId()).as("the next commit is chained after the gap").isEqualTo(2);
        assertThat(chain.chainHead()).isEqualTo(3);
    }

    @Test
    void aTransactionTooLargeForTheSpoolBecomesAGapEventForItsOwnIdAtOnceAndTheChainContinues() throws Exception {
        ChainWriter chain = writer();
        chain.append(1, change());
        spool.tooLarge = 2;
        chain.append(2, change());

        assertThat(spool.events).as("the gap is spooled at once, not when a later write succeeds")
                .extracting(TransactionEvent::commitId).containsExactly(1L, 2L);
        assertThat(spool.events.get(1).gap().firstCommitId()).isEqualTo(2);
        assertThat(spool.events.get(1).gap().reason()).startsWith("cannot spool the transaction")
                .contains("over the limit");
        chain.append(3, change());
        assertThat(spool.events.get(2).commitId()).isEqualTo(3);
        assertThat(spool.events.get(2).previousCommitId()).isEqualTo(2);
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
