package io.ha4neo.applier.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.kafka.RecordDecoder;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.plan.EventValueToParameterMapper;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

/**
 * Property: for a random history of transactions, applying it in random batches gives exactly the graph
 * that one-by-one application gives, and both equal the generator's model of the history. Runs over many seeds
 * against a real in-process Neo4j 5.26 over Bolt, through the production {@link RecordDecoder} (records →
 * items, chunks reassembled), {@link ChangeApplier} and {@link Neo4jStandbyStore}. Each history has a node of
 * high degree, large transactions that arrive in chunks, schema transactions, and one transaction the operator
 * skips ({@code skip.commit.id}), of a different shape per seed: data, schema, a gap event, an undecodable
 * record, or a chunked transaction with an undecodable first, middle or last chunk. Graphs are compared fully
 * (labels, properties with exact driver types, relationships with type, endpoints and properties, the names of
 * the history's indexes and constraints), excluding reserved names; the skip must leave exactly one audit record.
 */
class BatchingPropertyTest {
    private static final long FIRST_SEED = 20250611L;
    private static final int SEEDS = 21; // three per kind of skip
    private static final int TRANSACTIONS = 30;
    /** The smallest record size: the hub's transaction and the larger random ones arrive in several chunks. */
    private static final EventCodec CODEC = EventCodecs.embedded(EventCodecs.MIN_MAX_RECORD_BYTES);
    private static final byte[] UNDECODABLE = {1, 2, 3};

    private static final Driver driver = InProcessNeo4j.driver();

    /** What the operator skips, and how it reaches the applier. */
    enum Skip {
        DATA(RandomHistory.Lost.DATA, -2), SCHEMA(RandomHistory.Lost.SCHEMA, -2), GAP(RandomHistory.Lost.GAP, -2),
        UNDECODABLE_RECORD(RandomHistory.Lost.DATA, 0), UNDECODABLE_FIRST_CHUNK(RandomHistory.Lost.CHUNKED, 0),
        UNDECODABLE_MIDDLE_CHUNK(RandomHistory.Lost.CHUNKED, 1), UNDECODABLE_LAST_CHUNK(RandomHistory.Lost.CHUNKED, -1);

        final RandomHistory.Lost lost;
        final int badChunk; // index of the chunk made undecodable, -1 the last one, -2 none

        Skip(RandomHistory.Lost lost, int badChunk) {
            this.lost = lost;
            this.badChunk = badChunk;
        }
    }

    /** A comparable snapshot: node key → labels and properties; relationship key → type, endpoints, properties. */
    record Graph(Map<String, String> nodes, Map<String, String> relationships, Map<String, String> schema) {
    }

    static Stream<Arguments> histories() {
        return IntStream.range(0, SEEDS).mapToObj(i -> Arguments.of(FIRST_SEED + i, Skip.values()[i % Skip.values().length]));
    }

    @ParameterizedTest(name = "seed {0}, operator skips {1}")
    @MethodSource("histories")
    void applyingInRandomBatchesGivesTheSameGraphAsApplyingOneByOneAndAsTheModel(long seed, Skip skip) {
        RandomHistory history = new RandomHistory(seed);
        List<TransactionEvent> events = history.generate(TRANSACTIONS, skip.lost);
        Log log = Log.of(events, history.lostCommitId(), skip);
        historyHasAHubChunksSchemaTransactionsAndASkip(history, events, log);
        Graph expected = modelGraph(history);

        // Only the data is wiped before each pass: dropping indexes would make Neo4j plan every statement again,
        // which is where the time of this test goes. So indexes and constraints of earlier seeds stay (each history
        // names its own after its seed, on properties no data has, and only its own are compared), and the second
        // pass starts with the first one's final schema: its schema transactions are replays that find their object
        // in place, the crash-replay path. Schema statements are applied alone in either pass.
        long t0 = System.nanoTime();
        InProcessNeo4j.wipeData();
        Graph oneByOne = applyInBatches(log.items, new Random(seed), 1, history);
        long t1 = System.nanoTime();
        InProcessNeo4j.wipeData();
        Graph batched = applyInBatches(log.items, new Random(seed + 1), seed % 2 == 0 ? 8 : 60, history);
        System.out.printf("BatchingPropertyTest: seed %d (%s): %d items, one by one %d ms, batched %d ms%n", seed, skip,
                log.items.size(), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);

        assertThat(oneByOne).isEqualTo(expected);
        assertThat(batched).isEqualTo(oneByOne);
    }

    @Test
    void historiesRecreateDeletedKeysSoThatBatchesMustBeSplitIntoGroups() {
        // the property is only meaningful if batches really contain delete-then-recreate of one key
        int splits = 0;
        for (int i = 0; i < SEEDS; i++) {
            List<TransactionEvent> data = new RandomHistory(FIRST_SEED + i).generate(TRANSACTIONS, RandomHistory.Lost.DATA)
                    .stream().filter(e -> e.schemaChanges().isEmpty() && !e.isGap()).toList();
            splits += new ApplyPlanner().groups(data).size() - 1;
        }
        assertThat(splits).isGreaterThan(SEEDS);
    }

    private static void historyHasAHubChunksSchemaTransactionsAndASkip(RandomHistory h, List<TransactionEvent> events, Log log) {
        assertThat(events).as("schema transactions").anyMatch(e -> !e.schemaChanges().isEmpty()
                && e.commitId() != h.lostCommitId());
        assertThat(log.assembledFromChunks).as("transactions reassembled from several chunks").isPositive();
        assertThat(h.rels.values().stream().filter(r -> r.ref().startKey().equals(RandomHistory.HUB)
                || r.ref().endKey().equals(RandomHistory.HUB)).count()).as("degree of the hub at the end")
                .isGreaterThan(RandomHistory.HUB_DEGREE / 2);
    }

    /** The history as the applier reads it: records (chunked; the skipped one maybe undecodable) → items. */
    private static final class Log {
        final List<LogItem> items = new ArrayList<>();
        int assembledFromChunks;

        static Log of(List<TransactionEvent> events, long lostCommitId, Skip skip) {
            Log log = new Log();
            RecordDecoder decoder = new RecordDecoder(CODEC, ChunkAssembler.create());
            long offset = 0;
            for (TransactionEvent e : events) {
                List<byte[]> chunks = CODEC.encode(e);
                int bad = e.commitId() != lostCommitId ? -2 : skip.badChunk == -1 ? chunks.size() - 1 : skip.badChunk;
                if (e.commitId() == lostCommitId && skip.lost == RandomHistory.Lost.CHUNKED) {
                    assertThat(chunks).as("chunks of the skipped transaction").hasSizeGreaterThanOrEqualTo(3);
                }
                for (int i = 0; i < chunks.size(); i++) {
                    log.items.addAll(decoder.decode(new ConsumerRecord<>(Events.TOPIC, 0, offset++,
                            Long.toString(e.commitId()).getBytes(StandardCharsets.UTF_8),
                            i == bad ? UNDECODABLE : chunks.get(i))));
                }
                log.assembledFromChunks += chunks.size() > 1 && bad == -2 ? 1 : 0;
            }
            return log;
        }
    }

    /** Applies the items to the wiped database in batches of 1..maxBatch, returns the snapshot. */
    private static Graph applyInBatches(List<LogItem> items, Random random, int maxBatch, RandomHistory history) {
        long skipId = history.lostCommitId();
        Neo4jStandbyStore store = new Neo4jStandbyStore(driver, "neo4j", 30);
        store.ensureReservedSchema();
        InProcessNeo4j.watermarkAtTheStartOfTheLog(store, 1); // the indexes of earlier passes stay (see above)
        ChangeApplier applier = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(OptionalLong.of(skipId)),
                "neo4j", 30, Clock.systemUTC());
        applier.position();
        for (int i = 0; i < items.size(); ) {
            int n = Math.min(items.size() - i, 1 + random.nextInt(maxBatch));
            applier.apply(items.subList(i, i + n));
            i += n;
        }
        TransactionEvent last = ((LogItem.Transaction) items.get(items.size() - 1)).event();
        assertThat(store.readWatermark().orElseThrow().commitId()).isEqualTo(last.commitId());
        assertThat(skippedCommitIds()).as("audit records of the skip").containsExactly(skipId);
        return snapshot(history.schemaPrefix);
    }

    private static List<Long> skippedCommitIds() {
        try (Session s = driver.session()) {
            return s.run("MATCH (s:" + ReservedNames.SKIP_LABEL + ") RETURN s.commitId AS id").list(r -> r.get("id").asLong());
        }
    }

    private static Graph snapshot(String schemaPrefix) {
        try (Session s = driver.session()) {
            Map<String, String> nodes = new TreeMap<>();
            s.run("MATCH (n:" + ReservedNames.NODE_LABEL + ") RETURN n." + ReservedNames.ID_PROPERTY
                    + " AS key, labels(n) AS labels, properties(n) AS props").list()
                    .forEach(r -> nodes.put(r.get("key").asString(), describe(labels(r), r.get("props"))));
            Map<String, String> rels = new TreeMap<>();
            s.run("MATCH (a)-[r]->(b) RETURN r." + ReservedNames.ID_PROPERTY + " AS key, type(r) AS type, a."
                    + ReservedNames.ID_PROPERTY + " AS a, b." + ReservedNames.ID_PROPERTY + " AS b, properties(r) AS props")
                    .list().forEach(r -> rels.put(r.get("key").asString(), r.get("type").asString() + " "
                            + r.get("a").asString() + "->" + r.get("b").asString() + " " + describe(List.of(), r.get("props"))));
            long strays = s.run("MATCH (n) WHERE NOT n:" + ReservedNames.NODE_LABEL + " AND NOT n:"
                    + ReservedNames.WATERMARK_LABEL + " AND NOT n:" + ReservedNames.SKIP_LABEL
                    + " RETURN count(n) AS c").single().get("c").asLong();
            assertThat(strays).as("nodes without replication identity").isZero();
            return new Graph(nodes, rels, schema(s, schemaPrefix));
        }
    }

    /** The history's indexes and constraints by name (an index a constraint owns is the constraint's). */
    private static Map<String, String> schema(Session s, String prefix) {
        Map<String, String> schema = new TreeMap<>();
        s.run("SHOW CONSTRAINTS YIELD name").list().forEach(r -> schema.put(r.get("name").asString(), "constraint"));
        s.run("SHOW INDEXES YIELD name, type, owningConstraint WHERE type <> 'LOOKUP' AND owningConstraint IS NULL")
                .list().forEach(r -> schema.put(r.get("name").asString(), "index"));
        schema.keySet().removeIf(name -> !name.startsWith(prefix));
        return schema;
    }

    private static List<String> labels(Record r) {
        return r.get("labels").asList(Value::asString);
    }

    /** Labels and properties, reserved names excluded, each property shown with its exact driver type. */
    private static String describe(List<String> labels, Value props) {
        TreeSet<String> userLabels = new TreeSet<>(labels);
        userLabels.removeIf(ReservedNames::isReserved);
        Map<String, String> userProps = new TreeMap<>();
        props.asMap(v -> v).forEach((k, v) -> {
            if (!ReservedNames.isReserved(k)) {
                userProps.put(k, exact(v));
            }
        });
        return userLabels + " " + userProps;
    }

    /** Type name plus value, so that 1 (integer) and 1.0 (float), or a zone id and an offset, differ. */
    private static String exact(Value v) {
        if (v.type().name().equals("LIST")) {
            return "LIST" + v.asList(BatchingPropertyTest::exact);
        }
        if (v.type().name().equals("BYTES")) {
            return "BYTES" + java.util.Arrays.toString(v.asByteArray());
        }
        if (v.type().name().equals("DATE_TIME")) {
            return "DATE_TIME(" + v.asZonedDateTime() + ")"; // ZonedDateTime.toString shows the zone id or offset
        }
        return v.type().name() + "(" + v + ")";
    }

    private static Graph modelGraph(RandomHistory h) {
        Map<String, String> nodes = new TreeMap<>();
        h.nodes.forEach((k, n) -> nodes.put(k, describe(List.copyOf(n.labels()), modelProps(n.props()))));
        Map<String, String> rels = new TreeMap<>();
        h.rels.forEach((k, r) -> rels.put(k, r.ref().type() + " " + r.ref().startKey() + "->" + r.ref().endKey() + " "
                + describe(List.of(), modelProps(r.props()))));
        return new Graph(nodes, rels, new TreeMap<>(h.schema));
    }

    private static Value modelProps(Map<String, io.ha4neo.schemas.value.Value> props) {
        Map<String, Object> params = EventValueToParameterMapper.toParameters(props);
        return Values.value(params);
    }
}
