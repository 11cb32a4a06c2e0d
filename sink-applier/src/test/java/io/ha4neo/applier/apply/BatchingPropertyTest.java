package io.ha4neo.applier.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.plan.EventValueToParameterMapper;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

/**
 * Property: for a random history of transactions, applying it in random batches gives exactly the graph
 * that one-by-one application gives, and both equal the generator's model of the history. Runs against a
 * real in-process Neo4j 5.26 over Bolt, through the production {@link ChangeApplier} and
 * {@link Neo4jStandbyStore}. Graphs are compared fully (labels, properties with exact driver types,
 * relationships with type, endpoints and properties), excluding reserved names.
 */
class BatchingPropertyTest {
    private static final long SEED = 20250611L;
    private static final int TRANSACTIONS = 400;

    private static final Driver driver = InProcessNeo4j.driver();

    /** A comparable snapshot: node key → labels and properties; relationship key → type, endpoints, properties. */
    record Graph(Map<String, String> nodes, Map<String, String> relationships) {
    }

    @Test
    void applyingInRandomBatchesGivesTheSameGraphAsApplyingOneByOne() {
        RandomHistory history = new RandomHistory(SEED);
        List<LogItem> items = items(history.generate(TRANSACTIONS));
        Graph expected = modelGraph(history);

        long t0 = System.nanoTime();
        Graph oneByOne = applyInBatches(items, new Random(1), 1);
        System.out.printf("BatchingPropertyTest: one-by-one apply in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Graph smallBatches = applyInBatches(items, new Random(2), 8);
        Graph largeBatches = applyInBatches(items, new Random(3), 150);

        assertThat(oneByOne.nodes()).hasSizeGreaterThan(20);
        assertThat(oneByOne.relationships()).hasSizeGreaterThan(10);
        assertThat(oneByOne).isEqualTo(expected);
        assertThat(smallBatches).isEqualTo(oneByOne);
        assertThat(largeBatches).isEqualTo(oneByOne);
    }

    @Test
    void historyExercisesKeyReuseAcrossTransactions() {
        RandomHistory history = new RandomHistory(SEED);
        List<TransactionEvent> events = history.generate(TRANSACTIONS);
        // the property above is only meaningful if batches really contain delete-then-recreate of one key
        assertThat(new ApplyPlanner().groups(events).size()).isGreaterThan(10);
    }

    private static List<LogItem> items(List<TransactionEvent> events) {
        List<LogItem> items = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            items.add(Events.at(i, events.get(i)));
        }
        return items;
    }

    /** Wipes the database, applies the items in batches of 1..maxBatch, returns the snapshot. */
    private static Graph applyInBatches(List<LogItem> items, Random random, int maxBatch) {
        wipe();
        Neo4jStandbyStore store = new Neo4jStandbyStore(driver, "neo4j", 30);
        store.ensureReservedSchema();
        ChangeApplier applier = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(OptionalLong.empty()),
                "neo4j", 30, Clock.systemUTC());
        applier.position();
        for (int i = 0; i < items.size(); ) {
            int n = Math.min(items.size() - i, 1 + random.nextInt(maxBatch));
            applier.apply(items.subList(i, i + n));
            i += n;
        }
        TransactionEvent last = ((LogItem.Transaction) items.get(items.size() - 1)).event();
        assertThat(store.readWatermark().orElseThrow().commitId()).isEqualTo(last.commitId());
        return snapshot();
    }

    private static void wipe() {
        InProcessNeo4j.wipe();
    }

    private static Graph snapshot() {
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
                    + ReservedNames.WATERMARK_LABEL + " RETURN count(n) AS c").single().get("c").asLong();
            assertThat(strays).as("nodes without replication identity").isZero();
            return new Graph(nodes, rels);
        }
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
        return new Graph(nodes, rels);
    }

    private static Value modelProps(Map<String, io.ha4neo.schemas.value.Value> props) {
        Map<String, Object> params = EventValueToParameterMapper.toParameters(props);
        return Values.value(params);
    }
}
