package io.ha4neo.applier.kafka;

import static io.ha4neo.applier.fixtures.Events.createsNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.apply.LogItem;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Records → items: nothing that cannot be applied is dropped; every broken piece is an item the chain judges. */
class RecordDecoderTest {
    private static final byte[] GARBAGE = {1, 2, 3};
    private final EventCodec codec = EventCodecs.embedded(EventCodecs.MIN_MAX_RECORD_BYTES);
    private final RecordDecoder decoder = new RecordDecoder(codec, ChunkAssembler.create());
    private final List<byte[]> chunks = codec.encode(Events.bigTransaction(5, 3));
    private long offset;

    @Test
    void reassemblesChunksIntoOneTransactionPositionedAtItsLastChunk() {
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(next(5, chunks.get(i))).isEmpty();
        }
        assertThat(next(5, chunks.get(chunks.size() - 1))).singleElement()
                .isInstanceOfSatisfying(LogItem.Transaction.class, t -> {
                    assertThat(t.event().createdNodes()).hasSize(40);
                    assertThat(t.position().offset()).isEqualTo(chunks.size() - 1);
                });
    }

    @Test
    void afterAnUndecodableMiddleChunkTheHeldChunksAreDroppedAndTheFurtherChunksAreFragmentsOfThatCommit() {
        assertThat(next(5, chunks.get(0))).isEmpty();
        assertThat(next(5, GARBAGE)).singleElement().isInstanceOfSatisfying(LogItem.Undecodable.class,
                u -> assertThat(u.commitId()).hasValue(5));
        for (int i = 2; i < chunks.size(); i++) {
            assertThat(next(5, chunks.get(i))).singleElement().isInstanceOfSatisfying(LogItem.Fragment.class, f -> {
                assertThat(f.commitId()).isEqualTo(5);
                assertThat(f.problem()).contains("follows a chunk of the same commit that could not be read");
            });
        }
        assertThat(next(6, codec.encode(createsNode(6, 5, "c")).get(0))).singleElement()
                .isInstanceOf(LogItem.Transaction.class);
    }

    @Test
    void anEpochStartWhoseCommitIdIsThatOfABrokenOrIncompleteCommitOfTheOldEpochIsAWholeTransaction() {
        byte[] start = codec.encode(Events.epochStart(2, 5, 1, 4)).get(0); // the new primary's store is at commit 5
        assertThat(next(5, chunks.get(0))).isEmpty();
        assertThat(next(5, GARBAGE)).singleElement().isInstanceOf(LogItem.Undecodable.class);

        assertThat(next(5, start)).as("not a further chunk of the broken commit 5").singleElement()
                .isInstanceOfSatisfying(LogItem.Transaction.class, t -> assertThat(t.event().isEpochStart()).isTrue());

        assertThat(next(5, chunks.get(0))).isEmpty();
        List<LogItem> items = next(5, start);
        assertThat(items).as("the held chunks of commit 5, then the epoch start").hasSize(2);
        assertThat(items.get(0)).isInstanceOfSatisfying(LogItem.Fragment.class,
                f -> assertThat(f.problem()).contains("epoch 2 started at offset"));
        assertThat(items.get(1)).isInstanceOf(LogItem.Transaction.class);
    }

    @Test
    void aChunkReadWithoutTheChunksBeforeItIsAFragment() {
        assertThat(next(5, chunks.get(1))).singleElement().isInstanceOfSatisfying(LogItem.Fragment.class,
                f -> assertThat(f.problem()).contains("chunk 1 of " + chunks.size() + " of commit 5")
                        .contains("without chunks 0..0"));
        assertThat(next(5, chunks.get(2))).singleElement().isInstanceOf(LogItem.Fragment.class);
    }

    @Test
    void aCommitLeftIncompleteByTheNextOneBecomesAFragmentBeforeTheNextOne() {
        next(5, chunks.get(0));
        next(5, chunks.get(1));

        List<LogItem> items = next(6, codec.encode(createsNode(6, 5, "c")).get(0));

        assertThat(items).hasSize(2);
        assertThat(items.get(0)).isInstanceOfSatisfying(LogItem.Fragment.class, f -> {
            assertThat(f.commitId()).isEqualTo(5);
            assertThat(f.problem()).contains("commit 6 started at offset 2 before it completed");
        });
        assertThat(items.get(1)).isInstanceOf(LogItem.Transaction.class);
    }

    @Test
    void anUndecodableRecordOfAnotherCommitEndsTheIncompleteOneAsAFragmentToo() {
        next(5, chunks.get(0));

        List<LogItem> items = next(6, GARBAGE);

        assertThat(items).extracting(i -> i.getClass().getSimpleName()).containsExactly("Fragment", "Undecodable");
        assertThat(((LogItem.Fragment) items.get(0)).commitId()).isEqualTo(5);
    }

    @Test
    void aDuplicatedChunkBreaksItsCommit() {
        next(5, chunks.get(0));
        next(5, chunks.get(1));

        assertThat(next(5, chunks.get(1))).singleElement().isInstanceOfSatisfying(LogItem.Fragment.class,
                f -> assertThat(f.problem()).contains("is a duplicate"));
        assertThat(next(5, chunks.get(2))).singleElement().isInstanceOf(LogItem.Fragment.class);
    }

    private List<LogItem> next(long commitId, byte[] value) {
        return decoder.decode(new ConsumerRecord<>(Events.TOPIC, 0, offset++,
                Long.toString(commitId).getBytes(StandardCharsets.UTF_8), value));
    }

}
