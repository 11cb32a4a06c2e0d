package io.ha4neo.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.event.CaptureBaseline;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.RepairMark;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.fixtures.RandomEvents;
import io.ha4neo.schemas.value.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Version 1 events, written by a plain generic Avro writer, stay readable by the current codec. */
class SchemaEvolutionTest {
    private static final Schema V1 = EventSchemas.version(1);
    private final EventCodec codec = EventCodecs.embedded();

    @Test
    void theCurrentSchemaIsVersionSevenAndReadsEveryOlderVersion() {
        assertThat(EventSchemas.CURRENT_VERSION).isEqualTo(7);
        assertThat(EventSchemas.current().getField("repair")).isNotNull();
        assertThat(EventSchemas.version(6).getField("repair")).isNull();
        assertThat(EventSchemas.version(6).getField("bootstrap")).isNotNull();
        assertThat(EventSchemas.current().getField("bootstrap")).isNotNull();
        assertThat(EventSchemas.current().getField("bootstrapNodes")).isNotNull();
        assertThat(EventSchemas.version(5).getField("bootstrap")).isNull();
        assertThat(EventSchemas.version(5).getField("baseline")).isNotNull();
        assertThat(EventSchemas.current().getField("baseline")).isNotNull();
        assertThat(EventSchemas.version(4).getField("baseline")).isNull();
        assertThat(EventSchemas.version(4).getField("epochStart")).isNotNull();
        assertThat(EventSchemas.current().getField("metadata")).isNotNull();
        assertThat(EventSchemas.current().getField("gap")).isNotNull();
        assertThat(V1.getField("metadata")).isNull();
        assertThat(EventSchemas.version(2).getField("gap")).isNull();
        assertThat(EventSchemas.current().getField("epochStart")).isNotNull();
        assertThat(EventSchemas.version(3).getField("epochStart")).isNull();
        for (Schema older : List.of(V1, EventSchemas.version(2), EventSchemas.version(3), EventSchemas.version(4),
                EventSchemas.version(5), EventSchemas.version(6))) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(EventSchemas.current(), older).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void anEpochStartRoundTripsAndAnEventOfVersionThreeDecodesWithoutOne() throws Exception {
        // The link of epoch 3 to (epoch 2, commit 120): its own commit id (the promoted store's) is smaller.
        TransactionEvent start = TransactionEvent.epochStartEvent(57, 120, 1_700_000_000_000L, "dc1", 3, "neo4j",
                new io.ha4neo.schemas.event.EpochStart(2, "member-b", "switchover"));
        TransactionEvent decoded = codec.decode(codec.encode(start).get(0));
        assertThat(decoded).isEqualTo(start);
        assertThat(decoded.isEpochStart()).isTrue();
        assertThat(io.ha4neo.schemas.event.ChainPosition.before(decoded))
                .isEqualTo(new io.ha4neo.schemas.event.ChainPosition(2, 120));

        TransactionEvent plain = new RandomEvents(11).transaction();
        TransactionEvent fromV3 = asWrittenBy(3, plain);
        assertThat(fromV3).isEqualTo(plain);
        assertThat(fromV3.epochStart()).isNull();
    }

    @Test
    void aBaselineRoundTripsWithWhatTheStoreHeldAndAnEventOfVersionFourDecodesWithoutOne() throws Exception {
        CaptureBaseline held = new CaptureBaseline("member-a", new StoreContent(12, 3, 1, 2));
        TransactionEvent baseline = TransactionEvent.baselineEvent(17, 1_700_000_000_000L, "dc1", 0, "neo4j", held);
        TransactionEvent decoded = codec.decode(codec.encode(baseline).get(0));
        assertThat(decoded).isEqualTo(baseline);
        assertThat(decoded.isBaseline()).isTrue();
        assertThat(decoded.baseline().storeHeldData()).isTrue();
        assertThat(decoded.baseline().content()).isEqualTo(new StoreContent(12, 3, 1, 2));
        assertThat(decoded.previousCommitId()).isZero();
        TransactionEvent empty = TransactionEvent.baselineEvent(1, 0, "dc1", 0, "neo4j",
                new CaptureBaseline("a", StoreContent.EMPTY));
        assertThat(codec.decode(codec.encode(empty).get(0)).baseline().storeHeldData()).isFalse();

        TransactionEvent plain = new RandomEvents(13).transaction();
        TransactionEvent fromV4 = asWrittenBy(4, plain);
        assertThat(fromV4).isEqualTo(plain);
        assertThat(fromV4.baseline()).isNull();
    }

    @Test
    void aBootstrapChunkRoundTripsInChunksWithItsMarkAndAnEventOfVersionFiveDecodesWithoutOne() throws Exception {
        io.ha4neo.schemas.event.BootstrapMark mark = new io.ha4neo.schemas.event.BootstrapMark("run-1", "b",
                io.ha4neo.schemas.event.BootstrapPhase.NODES, "a", new StoreContent(300, 2, 1, 0), 300, 0);
        TransactionEvent.Builder b = TransactionEvent.builder(42, 41).origin("dc1", 2).bootstrap(mark);
        for (int i = 0; i < 300; i++) {
            b.bootstrapNodes.add(new NodeCreated("4:db:" + i, List.of("Person"),
                    Map.of("name", io.ha4neo.schemas.value.Value.of("n" + "x".repeat(40) + i))));
        }
        TransactionEvent chunk = b.build();
        EventCodec small = EventCodecs.embedded(4096);
        List<byte[]> records = small.encode(chunk);
        assertThat(records).hasSizeGreaterThan(1);
        ChunkAssembler assembler = ChunkAssembler.create();
        TransactionEvent whole = null;
        for (byte[] r : records) {
            TransactionEvent piece = small.decode(r);
            assertThat(piece.bootstrap()).isEqualTo(mark);
            whole = assembler.accept(piece).orElse(null);
        }
        assertThat(whole).isEqualTo(chunk);
        assertThat(whole.isBootstrap()).isTrue();
        assertThat(whole.changeCount()).isEqualTo(300);

        TransactionEvent plain = new RandomEvents(17).transaction();
        TransactionEvent fromV5 = asWrittenBy(5, plain);
        assertThat(fromV5).isEqualTo(plain);
        assertThat(fromV5.bootstrap()).isNull();
        assertThat(fromV5.bootstrapNodes()).isEmpty();
    }

    @Test
    void imagesTravelOnlyOnBootstrapChunksOfTheirPhase() {
        StoreContent totals = new StoreContent(1, 1, 0, 0);
        NodeCreated image = new NodeCreated("4:db:1", List.of(), Map.of());
        TransactionEvent.Builder noMark = TransactionEvent.builder(5, 4);
        noMark.bootstrapNodes.add(image);
        assertThatThrownBy(noMark::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only on bootstrap or repair events");
        TransactionEvent.Builder wrongPhase = TransactionEvent.builder(5, 4).bootstrap(new io.ha4neo.schemas.event
                .BootstrapMark("r", "b", io.ha4neo.schemas.event.BootstrapPhase.RELATIONSHIPS, "a", totals, 1, 0));
        wrongPhase.bootstrapNodes.add(image);
        assertThatThrownBy(wrongPhase::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only a NODES chunk node images");
        TransactionEvent.Builder withChange = TransactionEvent.builder(5, 4).bootstrap(new io.ha4neo.schemas.event
                .BootstrapMark("r", "b", io.ha4neo.schemas.event.BootstrapPhase.NODES, "a", totals, 1, 0));
        withChange.createdNodes.add(image);
        assertThatThrownBy(withChange::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no ordinary changes");
        assertThatThrownBy(() -> new io.ha4neo.schemas.event.BootstrapMark("", "b",
                io.ha4neo.schemas.event.BootstrapPhase.END, "a", totals, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run id");
    }

    @Test
    void aRepairEventRoundTripsWholeAndInChunksWithItsMarkAndAnEventOfVersionSixDecodesWithoutOne() throws Exception {
        TransactionEvent repair = repairEvent(120, 40);
        TransactionEvent decoded = codec.decode(codec.encode(repair).get(0));
        assertThat(decoded).isEqualTo(repair);
        assertThat(decoded.isRepair()).isTrue();
        assertThat(decoded.commitId()).isEqualTo(60);
        assertThat(decoded.repair()).isEqualTo(new RepairMark(45, 60, 7, "committed before a crash, not captured"));
        assertThat(decoded.changeCount()).isEqualTo(120 + 40 + 2 + 1);

        EventCodec small = EventCodecs.embedded(4096);
        List<byte[]> records = small.encode(repair);
        assertThat(records).hasSizeGreaterThan(2);
        ChunkAssembler assembler = ChunkAssembler.create(small);
        TransactionEvent whole = null;
        for (byte[] r : records) {
            assertThat(r.length).isLessThanOrEqualTo(4096);
            TransactionEvent piece = small.decode(r);
            assertThat(piece.repair()).isEqualTo(repair.repair());
            assertThat(piece.isChunked()).isTrue();
            whole = assembler.accept(piece).orElse(null);
        }
        assertThat(whole).isEqualTo(repair);
        assertThat(assembler.hasPartial()).isFalse();

        TransactionEvent empty = TransactionEvent.repairEvent(44, 0, "dc1", 2, "neo4j",
                new RepairMark(45, 46, 0, "token commits only"), List.of(), List.of(), List.of(), List.of());
        assertThat(codec.decode(codec.encode(empty).get(0))).isEqualTo(empty);
        assertThat(empty.changeCount()).isZero();

        TransactionEvent plain = new RandomEvents(19).transaction();
        TransactionEvent fromV6 = asWrittenBy(6, plain);
        assertThat(fromV6).isEqualTo(plain);
        assertThat(fromV6.repair()).isNull();
        assertThat(fromV6.isRepair()).isFalse();
    }

    @Test
    void aRepairEventCarriesOnlyImagesAndDeletionsAndStandsForTheCommitsAfterItsPredecessor() {
        RepairMark mark = new RepairMark(45, 60, 3, "not captured");
        NodeCreated image = new NodeCreated("4:db:1", List.of("Person"), Map.of());
        TransactionEvent.Builder created = TransactionEvent.builder(60, 44).repair(mark);
        created.createdNodes.add(image);
        assertThatThrownBy(created::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commit 60").hasMessageContaining("carries only entity images and deletions");
        TransactionEvent.Builder schema = TransactionEvent.builder(60, 44).repair(mark);
        schema.schemaChanges.add(new io.ha4neo.schemas.event.SchemaChange(
                io.ha4neo.schemas.event.SchemaChange.Operation.CREATE,
                io.ha4neo.schemas.event.SchemaChange.Kind.INDEX, "i", "CREATE INDEX i FOR (n:A) ON (n.x)"));
        assertThatThrownBy(schema::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("carries only entity images and deletions");
        assertThatThrownBy(() -> TransactionEvent.builder(61, 44).repair(mark).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commit 61")
                .hasMessageContaining("ends at its commit id");
        assertThatThrownBy(() -> TransactionEvent.repairEvent(45, 0, "dc1", 0, "neo4j", mark, List.of(), List.of(),
                List.of(), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts after previousCommitId 45");
        assertThatThrownBy(() -> TransactionEvent.builder(60, 44).repair(mark).bootstrap(new io.ha4neo.schemas.event
                .BootstrapMark("r", "b", io.ha4neo.schemas.event.BootstrapPhase.END, "a", StoreContent.EMPTY, 0, 0))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bootstrap mark");
        assertThatThrownBy(() -> new TransactionEvent(60, 44, 0, "dc1", 0, "neo4j", "", Map.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 0, 1,
                new io.ha4neo.schemas.event.CaptureGap(45, 60, "x"), null, null, null, null, List.of(), List.of(), mark))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no gap");
        TransactionEvent.Builder ok = TransactionEvent.builder(60, 44).repair(mark);
        ok.bootstrapNodes.add(image);
        ok.deletedNodes.add(new NodeDeleted("4:db:2", List.of(), Map.of()));
        assertThat(ok.build().isRepair()).isTrue();

        assertThatThrownBy(() -> new RepairMark(0, 3, 1, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 < first <= last");
        assertThatThrownBy(() -> new RepairMark(5, 4, 1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepairMark(4, 5, -1, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> new RepairMark(4, 5, 1, null)).isInstanceOf(NullPointerException.class);
        assertThat(new RepairMark(4, 5, 1, "crash")).hasToString(
                "repair of commit ids 4..5 (1 transaction touched entities; crash)");
    }

    @Test
    void aRepairEventRendersItsMarkAsJson() throws Exception {
        String json = EventJson.toJson(codec.encode(repairEvent(2, 1)).get(0));
        assertThat(json).contains("\"repair\":{\"io.ha4neo.avro.RepairMark\":{\"firstCommitId\":45,\"lastCommitId\":60,"
                + "\"transactions\":7,\"reason\":\"committed before a crash, not captured\"}}");
        String plain = EventJson.toJson(codec.encode(new RandomEvents(23).transaction()).get(0));
        assertThat(plain).contains("\"repair\":null");
    }

    /** A repair of commits 45..60 after commit 44: images, and deletions by key. */
    static TransactionEvent repairEvent(int nodes, int relationships) {
        List<NodeCreated> nodeImages = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            nodeImages.add(new NodeCreated("4:db:" + i, List.of("Person"),
                    Map.of("name", Value.of("n" + "x".repeat(40) + i), "age", Value.of((long) i))));
        }
        List<RelationshipCreated> relationshipImages = new ArrayList<>();
        for (int i = 0; i < relationships; i++) {
            relationshipImages.add(new RelationshipCreated(new RelationshipRef("5:db:" + i, "KNOWS", "4:db:" + i,
                    "4:db:" + (i + 1)), Map.of("since", Value.of((long) 2000 + i))));
        }
        return TransactionEvent.repairEvent(44, 1_700_000_000_000L, "dc1", 2, "neo4j",
                new RepairMark(45, 60, 7, "committed before a crash, not captured"), nodeImages, relationshipImages,
                List.of(new NodeDeleted("4:db:gone-1", List.of(), Map.of()),
                        new NodeDeleted("4:db:gone-2", List.of(), Map.of())),
                List.of(new RelationshipDeleted(new RelationshipRef("5:db:gone", "KNOWS", "4:db:0", "4:db:gone-1"),
                        Map.of())));
    }

    @Test
    void aBaselineFollowsNothingAndCarriesNothingElse() {
        CaptureBaseline b = new CaptureBaseline("a", StoreContent.EMPTY);
        TransactionEvent.Builder withChange = TransactionEvent.builder(5, 0);
        withChange.createdNodes.add(new NodeCreated("4:db:1", List.of("Person"), Map.of()));
        TransactionEvent e = withChange.build();
        assertThatThrownBy(() -> new TransactionEvent(e.commitId(), 0, 0, "dc1", 0, "neo4j", "", Map.of(),
                e.createdNodes(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 0, 1,
                null, null, null, b, null, List.of(), List.of(), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseline");
        assertThatThrownBy(() -> new TransactionEvent(5, 4, 0, "dc1", 0, "neo4j", "", Map.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 0, 1, null, null, null, b, null, List.of(),
                List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("previousCommitId 0, was 4");
        assertThatThrownBy(() -> new StoreContent(-1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new StoreContent(1, 0, 2, 1)).hasToString("1 node, 0 relationships, 2 indexes and 1 constraint");
    }

    @Test
    void aRecordRendersAsOneLineOfJson() throws Exception {
        for (int i = 0; i < 50; i++) {
            TransactionEvent tx = new RandomEvents(300 + i).transaction();
            String json = EventJson.toJson(codec.encode(tx).get(0));
            assertThat(json).doesNotContain("\n").startsWith("{\"commitId\":" + tx.commitId() + ",")
                    .contains("\"previousCommitId\":" + tx.previousCommitId());
        }
        assertThatThrownBy(() -> EventJson.toJson(new byte[] {0, 0, 0, 0, 99, 1})).isInstanceOf(DecodeException.class)
                .hasMessageContaining("schema id 99");
    }

    @Test
    void anEpochStartCarriesNothingElseAndFollowsAnEarlierEpoch() {
        io.ha4neo.schemas.event.EpochStart link = new io.ha4neo.schemas.event.EpochStart(3, "b", "failover");
        assertThatThrownBy(() -> TransactionEvent.epochStartEvent(57, 120, 0, "dc1", 3, "neo4j", link))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("follows an earlier epoch (was 3)");
        assertThatThrownBy(() -> TransactionEvent.epochStartEvent(57, -1, 0, "dc1", 4, "neo4j", link))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGapEventRoundTripsAndAnEventOfVersionTwoDecodesWithoutAGap() throws Exception {
        TransactionEvent gap = TransactionEvent.gapEvent(40, 1_700_000_000_000L, "dc1", 2, "neo4j",
                new io.ha4neo.schemas.event.CaptureGap(41, 45, "committed while capture was not running"));
        TransactionEvent decoded = codec.decode(codec.encode(gap).get(0));
        assertThat(decoded).isEqualTo(gap);
        assertThat(decoded.isGap()).isTrue();
        assertThat(decoded.gap().firstCommitId()).isEqualTo(41);

        Schema v2 = EventSchemas.version(2);
        TransactionEvent plain = new RandomEvents(7).transaction();
        byte[] current = codec.encode(plain).get(0);
        GenericRecord asV2 = new GenericDatumReader<GenericRecord>(EventSchemas.current(), v2).read(null,
                DecoderFactory.get().binaryDecoder(current, 5, current.length - 5, null));
        TransactionEvent fromV2 = codec.decode(wire(EventSchemas.EMBEDDED_ID_V2, v2, asV2));
        assertThat(fromV2.gap()).isNull();
        assertThat(fromV2.commitId()).isEqualTo(plain.commitId());
    }

    @Test
    void aHandWrittenVersionOneEventDecodesWithEmptyMetadata() throws Exception {
        GenericRecord v1 = new GenericData.Record(V1);
        v1.put("commitId", 42L);
        v1.put("previousCommitId", 41L);
        v1.put("commitTimeMillis", 1_700_000_000_123L);
        v1.put("originClusterId", "dc1");
        v1.put("epoch", 3L);
        v1.put("database", "neo4j");
        v1.put("username", "alice");
        Schema nodeSchema = V1.getField("createdNodes").schema().getElementType();
        Schema valueSchema = nodeSchema.getField("properties").schema().getValueType();
        Schema longValue = valueSchema.getField("value").schema().getTypes().stream()
                .filter(s -> s.getName().equals("LongValue")).findFirst().orElseThrow();
        GenericRecord typed = new GenericData.Record(longValue);
        typed.put("value", Long.MIN_VALUE);
        GenericRecord value = new GenericData.Record(valueSchema);
        value.put("value", typed);
        GenericRecord node = new GenericData.Record(nodeSchema);
        node.put("key", "4:db:1");
        node.put("labels", List.of("Person"));
        node.put("properties", Map.of("age", value));
        v1.put("createdNodes", List.of(node));
        for (String empty : List.of("deletedNodes", "labelChanges", "nodePropertyChanges", "createdRelationships",
                "deletedRelationships", "relationshipPropertyChanges", "schemaChanges")) {
            v1.put(empty, List.of());
        }
        v1.put("chunkIndex", 0);
        v1.put("chunkCount", 1);

        TransactionEvent decoded = codec.decode(wire(EventSchemas.EMBEDDED_ID_V1, V1, v1));

        TransactionEvent.Builder expected = TransactionEvent.builder(42, 41).commitTime(1_700_000_000_123L)
                .origin("dc1", 3).database("neo4j").username("alice");
        expected.createdNodes.add(new NodeCreated("4:db:1", List.of("Person"), Map.of("age", Value.of(Long.MIN_VALUE))));
        assertThat(decoded).isEqualTo(expected.build());
        assertThat(decoded.metadata()).isEmpty();
    }

    @Test
    void randomEventsWrittenWithVersionOneDecodeToTheSameEventWithoutMetadata() throws Exception {
        RandomEvents random = new RandomEvents(99);
        Schema current = EventSchemas.current();
        for (int i = 0; i < 500; i++) {
            TransactionEvent tx = random.transaction();
            GenericRecord v2 = readGeneric(codec.encode(tx).get(0), current);
            GenericRecord v1 = new GenericData.Record(V1);
            // Nested records have the same names and fields in both versions; only the top level differs.
            V1.getFields().forEach(f -> v1.put(f.name(), v2.get(f.name())));

            TransactionEvent decoded = codec.decode(wire(EventSchemas.EMBEDDED_ID_V1, V1, v1));

            assertThat(decoded).isEqualTo(withoutMetadata(tx));
        }
    }

    @Test
    void everyRecordAndFieldOfEveryVersionHasADoc() {
        for (int version = 1; version <= EventSchemas.CURRENT_VERSION; version++) {
            List<String> missing = new ArrayList<>();
            collectMissingDocs(EventSchemas.version(version), missing, new HashMap<>());
            assertThat(missing).as("schema v%d elements without doc", version).isEmpty();
        }
        assertThat(EventSchemas.current().getDoc()).contains("Change history").contains("v1").contains("v2");
    }

    @Test
    void theSchemaFilesShipInTheJarUnderAvro() {
        assertThat(getClass().getResource("/avro/transaction-event.avsc")).isNotNull();
        assertThat(getClass().getResource("/avro/history/transaction-event-v1.avsc")).isNotNull();
        assertThat(EventSchemas.resourcePath(1)).isEqualTo("/avro/history/transaction-event-v1.avsc");
        for (int version = 1; version < EventSchemas.CURRENT_VERSION; version++) {
            assertThat(EventSchemas.resourcePath(version))
                    .isEqualTo("/avro/history/transaction-event-v" + version + ".avsc");
            assertThat(EventSchemas.embeddedId(version)).isEqualTo(version);
        }
        assertThat(EventSchemas.resourcePath(EventSchemas.CURRENT_VERSION)).isEqualTo("/avro/transaction-event.avsc");
        assertThat(List.of(EventSchemas.EMBEDDED_ID_V1, EventSchemas.EMBEDDED_ID_V2, EventSchemas.EMBEDDED_ID_V3,
                EventSchemas.EMBEDDED_ID_V4, EventSchemas.EMBEDDED_ID_V5, EventSchemas.EMBEDDED_ID_V6,
                EventSchemas.EMBEDDED_ID_V7)).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    private static void collectMissingDocs(Schema s, List<String> missing, Map<String, Boolean> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (seen.put(s.getFullName(), true) != null) {
                    return;
                }
                if (s.getDoc() == null || s.getDoc().isBlank()) {
                    missing.add(s.getFullName());
                }
                for (Schema.Field f : s.getFields()) {
                    if (f.doc() == null || f.doc().isBlank()) {
                        missing.add(s.getName() + "." + f.name());
                    }
                    collectMissingDocs(f.schema(), missing, seen);
                }
            }
            case ARRAY -> collectMissingDocs(s.getElementType(), missing, seen);
            case MAP -> collectMissingDocs(s.getValueType(), missing, seen);
            case UNION -> s.getTypes().forEach(t -> collectMissingDocs(t, missing, seen));
            case ENUM -> {
                if (s.getDoc() == null) {
                    missing.add(s.getFullName());
                }
            }
            default -> { }
        }
    }

    /** The event as a writer of an older {@code version} put it on the wire, decoded by the current codec. */
    private TransactionEvent asWrittenBy(int version, TransactionEvent event) throws Exception {
        Schema older = EventSchemas.version(version);
        byte[] current = codec.encode(event).get(0);
        GenericRecord asOlder = new GenericDatumReader<GenericRecord>(EventSchemas.current(), older).read(null,
                DecoderFactory.get().binaryDecoder(current, 5, current.length - 5, null));
        return codec.decode(wire(EventSchemas.embeddedId(version), older, asOlder));
    }

    private static TransactionEvent withoutMetadata(TransactionEvent e) {
        return new TransactionEvent(e.commitId(), e.previousCommitId(), e.commitTimeMillis(), e.originClusterId(),
                e.epoch(), e.database(), e.username(), Map.of(), e.createdNodes(), e.deletedNodes(), e.labelChanges(),
                e.nodePropertyChanges(), e.createdRelationships(), e.deletedRelationships(),
                e.relationshipPropertyChanges(), e.schemaChanges(), e.chunkIndex(), e.chunkCount());
    }

    private static GenericRecord readGeneric(byte[] wire, Schema schema) throws IOException {
        return new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(wire, 5, wire.length - 5, null));
    }

    /** What any producer using generic Avro and the Confluent wire format writes. */
    static byte[] wire(int schemaId, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8),
                (byte) schemaId});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
