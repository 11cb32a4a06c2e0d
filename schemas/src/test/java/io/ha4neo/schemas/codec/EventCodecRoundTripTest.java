package io.ha4neo.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.fixtures.RandomEvents;
import io.ha4neo.schemas.value.Value;
import io.ha4neo.schemas.value.ValueType;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventCodecRoundTripTest {
    private static final long SEED = 20240531L;
    private final EventCodec codec = EventCodecs.embedded();

    @Test
    void decodingAnEncodedRandomTransactionGivesItBackExactlyForFiveThousandTransactions() throws Exception {
        RandomEvents random = new RandomEvents(SEED);
        Set<ValueType> seen = EnumSet.noneOf(ValueType.class);
        for (int i = 0; i < 5_000; i++) {
            TransactionEvent tx = random.transaction();
            List<byte[]> records = codec.encode(tx);
            assertThat(records).as("transaction %d fits one record", i).hasSize(1);
            TransactionEvent decoded = codec.decode(records.get(0));
            assertThat(decoded).as("transaction %d (seed %d)", i, SEED).isEqualTo(tx);
            collectTypes(tx, seen);
        }
        assertThat(seen).as("value types covered").containsExactlyInAnyOrder(ValueType.values());
    }

    @Test
    void everyValueTypeRoundTripsInAllPositionsOfAnEvent() throws Exception {
        RandomEvents random = new RandomEvents(SEED + 1);
        for (int i = 0; i < 500; i++) {
            TransactionEvent.Builder b = TransactionEvent.builder(10, 9);
            b.createdNodes.add(new NodeCreated(random.key(), List.of("A"), random.oneOfEveryType()));
            TransactionEvent tx = b.build();
            assertThat(codec.decode(codec.encode(tx).get(0))).isEqualTo(tx);
        }
    }

    @Test
    void keepsRegionZoneIdsAndFixedOffsetsDistinctEvenForTheSameInstant() throws Exception {
        LocalDateTime noon = LocalDateTime.of(2024, 6, 1, 12, 0);
        List<ZonedDateTime> sameInstantUtc = List.of(ZonedDateTime.of(noon, ZoneId.of("UTC")),
                ZonedDateTime.of(noon, ZoneOffset.UTC), ZonedDateTime.of(noon, ZoneId.of("GMT")));
        List<ZonedDateTime> sameInstantBerlin = List.of(ZonedDateTime.of(noon, ZoneId.of("Europe/Berlin")),
                ZonedDateTime.of(noon, ZoneOffset.ofHours(2)));
        for (ZonedDateTime t : concat(sameInstantUtc, sameInstantBerlin)) {
            Value decoded = roundTrip(Value.of(t));
            assertThat(decoded).isEqualTo(Value.of(t));
            assertThat(((ZonedDateTime) decoded.raw()).getZone()).isEqualTo(t.getZone());
        }
        assertThat(roundTrip(Value.of(sameInstantUtc.get(0)))).isNotEqualTo(Value.of(sameInstantUtc.get(1)));
    }

    @Test
    void keepsBothOccurrencesOfAnAmbiguousLocalTimeInADaylightSavingOverlap() throws Exception {
        ZonedDateTime earlier = ZonedDateTime.of(LocalDateTime.of(2024, 10, 27, 2, 30), ZoneId.of("Europe/Berlin"))
                .withEarlierOffsetAtOverlap();
        ZonedDateTime later = earlier.withLaterOffsetAtOverlap();
        assertThat(earlier.getOffset()).isNotEqualTo(later.getOffset());
        assertThat(roundTrip(Value.of(earlier)).raw()).isEqualTo(earlier);
        assertThat(roundTrip(Value.of(later)).raw()).isEqualTo(later);
    }

    @Test
    void keepsNegativeZeroNanAndInfinitiesBitExact() throws Exception {
        for (double d : new double[] {-0.0, 0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Value decoded = roundTrip(Value.of(d));
            assertThat(Double.doubleToRawLongBits((Double) decoded.raw())).isEqualTo(Double.doubleToRawLongBits(d));
        }
        assertThat(roundTrip(Value.of(-0.0))).isNotEqualTo(Value.of(0.0));
    }

    @Test
    void encodingTheSameEventTwiceGivesTheSameBytes() {
        TransactionEvent tx = new RandomEvents(SEED + 2).transaction();
        assertThat(codec.encode(tx).get(0)).isEqualTo(codec.encode(tx).get(0));
    }

    @Test
    void writesTheConfluentWireFormatWithTheEmbeddedIdOfTheCurrentVersion() {
        byte[] record = codec.encode(new RandomEvents(SEED + 3).transaction()).get(0);
        assertThat(record[0]).isZero();
        assertThat(new byte[] {record[1], record[2], record[3], record[4]}).containsExactly(0, 0, 0, 7);
        assertThat(EventSchemas.embeddedId(EventSchemas.CURRENT_VERSION)).isEqualTo(EventSchemas.EMBEDDED_ID_V7);
    }

    @Test
    void plainGenericAvroReadsAndWritesRecordsThatTheCodecDecodesToTheSameEvent() throws Exception {
        RandomEvents random = new RandomEvents(SEED + 4);
        org.apache.avro.Schema schema = EventSchemas.current();
        for (TransactionEvent tx : List.of(random.transaction(), random.transaction(), random.createNodes(50, 5))) {
            byte[] record = codec.encode(tx).get(0);
            org.apache.avro.generic.GenericRecord generic = new org.apache.avro.generic.GenericDatumReader<
                    org.apache.avro.generic.GenericRecord>(schema).read(null,
                    org.apache.avro.io.DecoderFactory.get().binaryDecoder(record, 5, record.length - 5, null));
            byte[] rewritten = SchemaEvolutionTest.wire(EventSchemas.EMBEDDED_ID_V7, schema, generic);
            // Byte equality is not expected: the generic reader's HashMaps reorder map entries.
            assertThat(codec.decode(rewritten)).isEqualTo(tx);
            assertThat(generic.get("commitId")).isEqualTo(tx.commitId());
        }
    }

    private Value roundTrip(Value value) throws DecodeException {
        TransactionEvent.Builder b = TransactionEvent.builder(5, 4);
        b.createdNodes.add(new NodeCreated("4:db:1", List.of(), Map.of("v", value)));
        TransactionEvent decoded = codec.decode(codec.encode(b.build()).get(0));
        return decoded.createdNodes().get(0).properties().get("v");
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static void collectTypes(TransactionEvent tx, Set<ValueType> seen) {
        tx.createdNodes().forEach(n -> n.properties().values().forEach(v -> seen.add(v.type())));
        tx.nodePropertyChanges().forEach(c -> {
            if (c.change().value() != null) {
                seen.add(c.change().value().type());
            }
        });
    }
}
