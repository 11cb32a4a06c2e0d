package io.ha4neo.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.RepairMark;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.fixtures.RandomEvents;
import io.ha4neo.schemas.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventChunkingTest {
    private static final EventCodec CODEC = EventCodecs.embedded();
    private static TransactionEvent big;
    private static List<byte[]> records;
    private static long encodeMillis;

    @BeforeAll
    static void encodeTwentyThousandNodes() {
        big = new RandomEvents(7).createNodes(20_000, 8);
        CODEC.encode(new RandomEvents(8).createNodes(2_000, 8)); // warm up the JIT, as a long-running capture would be
        // CPU time of this thread, not wall time: other builds share the machine and must not make this flaky.
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        records = CODEC.encode(big);
        encodeMillis = (threads.getCurrentThreadCpuTime() - start) / 1_000_000;
        System.out.printf("20,000 nodes: %d records, %d bytes in total, encoded in %d ms of CPU%n", records.size(),
                records.stream().mapToLong(r -> r.length).sum(), encodeMillis);
    }

    @Test
    void splitsATwentyThousandNodeTransactionIntoSeveralRecordsEachUnderTheLimit() {
        assertThat(records).hasSizeGreaterThan(2);
        assertThat(records).allSatisfy(r -> assertThat(r.length).isLessThanOrEqualTo(CODEC.maxRecordBytes()));
        assertThat(encodeMillis).as("encode CPU time of 20,000 nodes in ms").isLessThan(1_000);
    }

    @Test
    void chunksCarryTheHeaderAndConsecutivePositionsAndReassembleIntoTheOriginal() throws Exception {
        List<TransactionEvent> chunks = decodeAll(records);
        for (int i = 0; i < chunks.size(); i++) {
            TransactionEvent c = chunks.get(i);
            assertThat(c.chunkIndex()).isEqualTo(i);
            assertThat(c.chunkCount()).isEqualTo(chunks.size());
            assertThat(c.commitId()).isEqualTo(big.commitId());
            assertThat(c.metadata()).isEqualTo(big.metadata());
            assertThat(c.createdNodes()).isNotEmpty();
        }
        assertThat(assemble(chunks)).isEqualTo(big);
    }

    @Test
    void fillsChunksWellSoThatNoneButTheLastIsLessThanHalfFull() {
        for (int i = 0; i < records.size() - 1; i++) {
            assertThat(records.get(i).length).isGreaterThan(CODEC.maxRecordBytes() / 2);
        }
    }

    @Test
    void splitsMixedChangeKindsAtASmallLimitAndKeepsEveryListInOrder() throws Exception {
        EventCodec small = EventCodecs.embedded(4 * 1024);
        RandomEvents random = new RandomEvents(11);
        for (int i = 0; i < 200; i++) {
            TransactionEvent tx = mixed(random, 40);
            List<byte[]> parts = small.encode(tx);
            assertThat(parts).allSatisfy(r -> assertThat(r.length).isLessThanOrEqualTo(4 * 1024));
            assertThat(assemble(decodeAll(small, parts))).isEqualTo(tx);
        }
    }

    @Test
    void aSingleChangeLargerThanARecordIsCutIntoFragmentsThatReassembleExactly() throws Exception {
        byte[] blob = new byte[5 << 20];
        new java.util.Random(5).nextBytes(blob);
        TransactionEvent.Builder b = TransactionEvent.builder(77, 76).metadata(Map.of("app", "x"));
        b.createdNodes.add(new NodeCreated("4:db:1", List.of("Doc"), Map.of("text", Value.of("é".repeat(3 << 20)))));
        b.nodePropertyChanges.add(new NodePropertyChange("4:db:big",
                new PropertyChange("blob", Value.of(blob), null)));
        TransactionEvent tx = b.build();
        EventCodec codec = EventCodecs.embedded(900 * 1024);
        List<byte[]> parts = codec.encode(tx);
        assertThat(parts).hasSizeGreaterThan(10)
                .allSatisfy(r -> assertThat(r.length).isLessThanOrEqualTo(900 * 1024));
        List<TransactionEvent> chunks = decodeAll(codec, parts);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.isFragment()).isTrue();
            assertThat(c.changeCount()).isZero();
            assertThat(c.commitId()).isEqualTo(77);
        });
        ChunkAssembler assembler = ChunkAssembler.create(codec);
        Optional<TransactionEvent> whole = Optional.empty();
        for (TransactionEvent c : chunks) {
            assertThat(whole).as("complete only after the last fragment").isEmpty();
            whole = assembler.accept(c);
        }
        assertThat(whole).contains(tx);
        assertThat(assembler.hasPartial()).isFalse();
    }

    @Test
    void aRepairEventWithAnImageLargerThanARecordIsCutIntoFragmentsThatKeepTheMarkAndReassembleExactly()
            throws Exception {
        RepairMark mark = new RepairMark(31, 40, 4, "not captured before a crash");
        TransactionEvent repair = TransactionEvent.repairEvent(30, 1_700_000_000_000L, "dc1", 1, "neo4j", mark,
                List.of(new NodeCreated("4:db:1", List.of("Doc"), Map.of("text", Value.of("é".repeat(40_000))))),
                List.of(new RelationshipCreated(new RelationshipRef("5:db:1", "LINKS", "4:db:1", "4:db:2"),
                        Map.of("w", Value.of(1.5)))),
                List.of(new NodeDeleted("4:db:9", List.of(), Map.of())),
                List.of(new RelationshipDeleted(new RelationshipRef("5:db:9", "LINKS", "4:db:1", "4:db:9"),
                        Map.of())));
        EventCodec codec = EventCodecs.embedded(16 * 1024);
        List<TransactionEvent> chunks = decodeAll(codec, codec.encode(repair));
        assertThat(chunks).hasSizeGreaterThan(2).allSatisfy(c -> {
            assertThat(c.isFragment()).isTrue();
            assertThat(c.repair()).isEqualTo(mark);
            assertThat(c.changeCount()).isZero();
            assertThat(c.commitId()).isEqualTo(40);
        });
        ChunkAssembler assembler = ChunkAssembler.create(codec);
        Optional<TransactionEvent> whole = Optional.empty();
        for (TransactionEvent c : chunks) {
            assertThat(whole).as("complete only after the last fragment").isEmpty();
            whole = assembler.accept(c);
        }
        assertThat(whole).contains(repair);
        assertThat(whole.orElseThrow().isRepair()).isTrue();
    }

    @Test
    void detectsAChunkOfARepairEventWhoseMarkDiffersFromChunkZero() throws Exception {
        EventCodec small = EventCodecs.embedded(4 * 1024);
        TransactionEvent repair = SchemaEvolutionTest.repairEvent(200, 0);
        List<TransactionEvent> chunks = decodeAll(small, small.encode(repair));
        assertThat(chunks).hasSizeGreaterThan(1);
        TransactionEvent c1 = chunks.get(1);
        RepairMark other = new RepairMark(c1.repair().firstCommitId(), c1.repair().lastCommitId(), 8,
                c1.repair().reason());
        TransactionEvent forged = new TransactionEvent(c1.commitId(), c1.previousCommitId(), c1.commitTimeMillis(),
                c1.originClusterId(), c1.epoch(), c1.database(), c1.username(), c1.metadata(), c1.createdNodes(),
                c1.deletedNodes(), List.of(), List.of(), List.of(), c1.deletedRelationships(), List.of(), List.of(), 1,
                c1.chunkCount(), null, null, null, null, null, c1.bootstrapNodes(), c1.bootstrapRelationships(), other);
        ChunkAssembler assembler = ChunkAssembler.create();
        assembler.accept(chunks.get(0));
        assertThatThrownBy(() -> assembler.accept(forged)).isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("chunk 1 of " + chunks.size() + " has a header different from chunk 0")
                .hasMessageContaining("repair mark");
    }

    @Test
    void aMissingFragmentIsDetectedLikeAMissingChunk() throws Exception {
        TransactionEvent.Builder b = TransactionEvent.builder(9, 8);
        b.createdNodes.add(new NodeCreated("4:db:1", List.of(), Map.of("v", Value.of(new byte[40_000]))));
        EventCodec codec = EventCodecs.embedded(16 * 1024);
        List<TransactionEvent> chunks = decodeAll(codec, codec.encode(b.build()));
        ChunkAssembler assembler = ChunkAssembler.create(codec);
        assembler.accept(chunks.get(0));
        assertThatThrownBy(() -> assembler.accept(chunks.get(2))).isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("chunk 2 of " + chunks.size());
    }

    @Test
    void detectsAMissingChunkNamingTheCommitAndThePositions() throws Exception {
        List<TransactionEvent> chunks = decodeAll(records);
        List<TransactionEvent> withGap = new ArrayList<>(chunks);
        withGap.remove(1);
        assertThatThrownBy(() -> assemble(withGap)).isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("commit " + big.commitId())
                .hasMessageContaining("chunk 2 of " + chunks.size())
                .hasMessageContaining("expected chunk 1");
    }

    @Test
    void detectsADuplicatedChunk() throws Exception {
        List<TransactionEvent> chunks = decodeAll(records);
        List<TransactionEvent> dup = new ArrayList<>(chunks);
        dup.add(1, chunks.get(0));
        assertThatThrownBy(() -> assemble(dup)).isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("commit " + big.commitId())
                .hasMessageContaining("chunk 0 of " + chunks.size() + " is a duplicate; expected chunk 1");
    }

    @Test
    void detectsOutOfOrderChunksAndAStreamThatStartsInTheMiddle() throws Exception {
        List<TransactionEvent> chunks = decodeAll(records);
        List<TransactionEvent> swapped = new ArrayList<>(chunks);
        java.util.Collections.swap(swapped, 1, 2);
        assertThatThrownBy(() -> assemble(swapped)).isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("chunk 2 of " + chunks.size() + " arrived early")
                .hasMessageContaining("expected chunk 1");
        assertThatThrownBy(() -> assemble(chunks.subList(1, chunks.size())))
                .isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("commit " + big.commitId() + ": received chunk 1 of " + chunks.size()
                        + " but expected chunk 0");
    }

    @Test
    void detectsANewCommitStartingBeforeThePreviousCompleted() throws Exception {
        List<TransactionEvent> chunks = decodeAll(records);
        ChunkAssembler assembler = ChunkAssembler.create();
        assembler.accept(chunks.get(0));
        TransactionEvent next = TransactionEvent.builder(big.commitId() + 1, big.commitId()).build();
        assertThatThrownBy(() -> assembler.accept(next)).isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("commit " + big.commitId() + ": commit " + next.commitId())
                .hasMessageContaining("started before this commit completed")
                .extracting(e -> ((ChunkSequenceException) e).commitId()).isEqualTo(big.commitId());
        assertThat(assembler.hasPartial()).isTrue();
        assembler.reset();
        assertThat(assembler.hasPartial()).isFalse();
        assertThat(assembler.accept(next)).contains(next);
    }

    @Test
    void detectsAChunkWhoseHeaderDiffersFromChunkZero() throws Exception {
        List<TransactionEvent> chunks = decodeAll(records);
        TransactionEvent c1 = chunks.get(1);
        TransactionEvent forged = new TransactionEvent(c1.commitId(), c1.previousCommitId(), c1.commitTimeMillis(),
                c1.originClusterId(), c1.epoch() + 1, c1.database(), c1.username(), c1.metadata(), c1.createdNodes(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 1, c1.chunkCount());
        ChunkAssembler assembler = ChunkAssembler.create();
        assembler.accept(chunks.get(0));
        assertThatThrownBy(() -> assembler.accept(forged)).isInstanceOf(ChunkSequenceException.class)
                .hasMessageContaining("chunk 1 of " + chunks.size() + " has a header different from chunk 0");
    }

    @Test
    void passesAWholeEventStraightThrough() throws Exception {
        TransactionEvent whole = new RandomEvents(3).transaction();
        assertThat(ChunkAssembler.create().accept(whole)).contains(whole);
    }

    private static TransactionEvent mixed(RandomEvents random, int perKind) {
        TransactionEvent.Builder b = TransactionEvent.builder(500, 499).metadata(Map.of("k", "v"));
        for (int i = 0; i < perKind; i++) {
            TransactionEvent one = random.transaction();
            b.createdNodes.addAll(one.createdNodes());
            b.deletedNodes.addAll(one.deletedNodes());
            b.labelChanges.addAll(one.labelChanges());
            b.nodePropertyChanges.addAll(one.nodePropertyChanges());
            b.createdRelationships.addAll(one.createdRelationships());
            b.deletedRelationships.addAll(one.deletedRelationships());
            b.relationshipPropertyChanges.addAll(one.relationshipPropertyChanges());
            b.schemaChanges.addAll(one.schemaChanges());
        }
        return b.build();
    }

    private static List<TransactionEvent> decodeAll(List<byte[]> values) throws DecodeException {
        return decodeAll(CODEC, values);
    }

    private static List<TransactionEvent> decodeAll(EventCodec codec, List<byte[]> values) throws DecodeException {
        List<TransactionEvent> out = new ArrayList<>();
        for (byte[] v : values) {
            out.add(codec.decode(v));
        }
        return out;
    }

    /** Feeds chunks in the given order; exactly the last one must complete the transaction. */
    private static TransactionEvent assemble(List<TransactionEvent> chunks) throws ChunkSequenceException {
        ChunkAssembler assembler = ChunkAssembler.create();
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(assembler.accept(chunks.get(i))).isEmpty();
        }
        Optional<TransactionEvent> whole = assembler.accept(chunks.get(chunks.size() - 1));
        assertThat(assembler.hasPartial()).isFalse();
        return whole.orElseThrow();
    }
}
