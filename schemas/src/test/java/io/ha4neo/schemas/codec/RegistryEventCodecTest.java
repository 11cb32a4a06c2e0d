package io.ha4neo.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.codec.DecodeException.Reason;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.fixtures.RandomEvents;
import io.ha4neo.schemas.registry.InTestSchemaRegistry;
import io.ha4neo.schemas.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryEventCodecTest {
    private static final String SUBJECT = "ha4neo.dc1.neo4j-value";
    private final InTestSchemaRegistry registry = newRegistry();
    private final SchemaRegistryClient client = SchemaRegistryClient.builder(registry.url()).build();

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void registersTheCurrentSchemaOnFirstEncodeAndWritesTheRegistrysId() throws Exception {
        EventCodec codec = EventCodecs.registry(client, SUBJECT);
        assertThat(registry.requests).isEmpty();
        byte[] record = codec.encode(new RandomEvents(1).transaction()).get(0);
        codec.encode(new RandomEvents(2).transaction());
        int id = ByteBuffer.wrap(record, 1, 4).getInt();
        assertThat(record[0]).isZero();
        assertThat(id).isEqualTo(client.latest(SUBJECT).id()).isGreaterThanOrEqualTo(100);
        assertThat(registry.requests).filteredOn(r -> r.startsWith("POST")).hasSize(1);
    }

    @Test
    void aFreshConsumerFetchesTheWriterSchemaOnceAndDecodesEveryEventExactly() throws Exception {
        EventCodec producer = EventCodecs.registry(client, SUBJECT);
        EventCodec consumer = EventCodecs.registry(SchemaRegistryClient.builder(registry.url()).build(), SUBJECT);
        RandomEvents random = new RandomEvents(3);
        for (int i = 0; i < 300; i++) {
            TransactionEvent tx = random.transaction();
            assertThat(consumer.decode(producer.encode(tx).get(0))).isEqualTo(tx);
        }
        assertThat(registry.requests).filteredOn(r -> r.startsWith("GET /schemas/ids/")).hasSize(1);
    }

    @Test
    void decodesVersionOneEventsRegisteredByAnOlderProducerThroughSchemaResolution() throws Exception {
        int v1Id = registry.put(SUBJECT, EventSchemas.version(1).toString());
        GenericRecord v1 = new GenericData.Record(EventSchemas.version(1));
        v1.put("commitId", 9L);
        v1.put("previousCommitId", 8L);
        v1.put("commitTimeMillis", 5L);
        v1.put("originClusterId", "dc1");
        v1.put("epoch", 1L);
        v1.put("database", "neo4j");
        v1.put("username", "");
        for (String list : List.of("createdNodes", "deletedNodes", "labelChanges", "nodePropertyChanges",
                "createdRelationships", "deletedRelationships", "relationshipPropertyChanges", "schemaChanges")) {
            v1.put(list, List.of());
        }
        v1.put("chunkIndex", 0);
        v1.put("chunkCount", 1);

        TransactionEvent decoded = EventCodecs.registry(client, SUBJECT)
                .decode(SchemaEvolutionTest.wire(v1Id, EventSchemas.version(1), v1));

        assertThat(decoded).isEqualTo(TransactionEvent.builder(9, 8).commitTime(5).origin("dc1", 1).build());
        assertThat(decoded.metadata()).isEqualTo(Map.of());
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchemaId() {
        byte[] record = EventCodecs.embedded().encode(new RandomEvents(4).transaction()).get(0);
        WireFormat.writeHeader(record, 4242);
        assertThatThrownBy(() -> EventCodecs.registry(client, SUBJECT).decode(record))
                .isInstanceOfSatisfying(DecodeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
                    assertThat(e.getMessage()).contains("4242").contains("error_code 40403");
                });
    }

    @Test
    void aWriterSchemaTheCurrentSchemaCannotReadIsAnInvalidEvent() {
        int id = registry.put(SUBJECT, "{\"type\":\"record\",\"name\":\"TransactionEvent\",\"namespace\":\"io.ha4neo.avro\","
                + "\"fields\":[{\"name\":\"commitId\",\"type\":\"string\"}]}");
        byte[] record = {0, 0, 0, 0, (byte) id, 2, 'x'};
        assertThatThrownBy(() -> EventCodecs.registry(client, SUBJECT).decode(record))
                .isInstanceOfSatisfying(DecodeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_EVENT);
                    assertThat(e.getMessage()).contains("writer schema id " + id).contains("cannot be read");
                });
    }

    @Test
    void anUnavailableRegistryIsReportedAsRegistryUnavailableOnDecodeAndAsEncodeExceptionOnEncode() {
        byte[] record = EventCodecs.embedded().encode(new RandomEvents(5).transaction()).get(0);
        registry.failWith(500);
        EventCodec codec = EventCodecs.registry(client, SUBJECT);
        assertThatThrownBy(() -> codec.decode(record)).isInstanceOfSatisfying(DecodeException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE));
        assertThatThrownBy(() -> codec.encode(new RandomEvents(5).transaction())).isInstanceOf(EncodeException.class)
                .hasMessageContaining("subject " + SUBJECT).hasMessageContaining("HTTP 500")
                .hasMessageContaining("retry when the registry is reachable");
    }

    @Test
    void aProducersCodecSetsTheSubjectBackwardAndRegistersBeforeItIsReturnedSoEncodingNeedsNoRegistry()
            throws Exception {
        EventCodecs.Registered ready = EventCodecs.registered(client, SUBJECT, EventCodecs.DEFAULT_MAX_RECORD_BYTES);
        assertThat(registry.compatibility(SUBJECT)).isEqualTo("BACKWARD");
        assertThat(ready.compatibilityBefore()).isEmpty();
        assertThat(ready.compatibilityChanged()).isTrue();
        assertThat(registry.requests).map(r -> r.substring(0, r.indexOf(' ', r.indexOf(' ') + 1))).containsExactly(
                "GET /config/" + SUBJECT, "PUT /config/" + SUBJECT, "POST /subjects/" + SUBJECT + "/versions");
        assertThat(ready.schemaId()).isEqualTo(registry.versions(SUBJECT).get(0));

        registry.failWith(503); // from now on the registry is broken: encoding must not notice
        TransactionEvent tx = new RandomEvents(6).transaction();
        byte[] record = ready.codec().encode(tx).get(0);
        assertThat(ByteBuffer.wrap(record, 1, 4).getInt()).isEqualTo(ready.schemaId());
        assertThat(ready.codec().decode(record)).isEqualTo(tx);
        assertThat(registry.requests).hasSize(3);
    }

    @Test
    void aProducerLeavesAStricterLevelAndReplacesAWeakerOne() throws Exception {
        registry.putCompatibility(SUBJECT, "FULL_TRANSITIVE");
        EventCodecs.Registered strict = EventCodecs.registered(client, SUBJECT, EventCodecs.DEFAULT_MAX_RECORD_BYTES);
        assertThat(strict.compatibility()).isEqualTo("FULL_TRANSITIVE");
        assertThat(strict.compatibilityChanged()).isFalse();
        assertThat(registry.requests).noneMatch(r -> r.startsWith("PUT"));

        registry.putCompatibility(SUBJECT, "NONE");
        EventCodecs.Registered weak = EventCodecs.registered(client, SUBJECT, EventCodecs.DEFAULT_MAX_RECORD_BYTES);
        assertThat(weak.compatibilityBefore()).hasValue("NONE");
        assertThat(registry.compatibility(SUBJECT)).isEqualTo("BACKWARD");
        assertThat(weak.schemaId()).isEqualTo(strict.schemaId()); // registering again is idempotent
    }

    @Test
    void aProducersCodecCannotBeHadWhileTheRegistryIsDownAndSaysSoRetriably() {
        registry.failWith(503);
        assertThatThrownBy(() -> EventCodecs.registered(client, SUBJECT, EventCodecs.DEFAULT_MAX_RECORD_BYTES))
                .isInstanceOfSatisfying(io.ha4neo.schemas.registry.SchemaRegistryException.class, e -> {
                    assertThat(e.isRetriable()).isTrue();
                    assertThat(e.getMessage()).contains(SUBJECT).contains("HTTP 503");
                });
    }

    private static InTestSchemaRegistry newRegistry() {
        try {
            return new InTestSchemaRegistry();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
