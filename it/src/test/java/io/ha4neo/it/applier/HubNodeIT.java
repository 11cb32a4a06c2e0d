package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * A node with 20,000 relationships of one type (created in a few big transactions, so the plugin chunks them),
 * then a few hundred small transactions that delete relationships of it and change their properties, in both
 * directions, while the applier is stopped, so that it applies them as a backlog in batches after its restart. The
 * applier finds each relationship between its two endpoints, so this costs the number of changed relationships,
 * not that times the hub's degree; the standby must end exactly equal to the primary. No timing is asserted: the
 * catch-up time is only printed.
 */
class HubNodeIT {
    private static final long SEED = 20_251_111L;
    private static final int OUTGOING = 16_000;        // (hub)-[:LINK]->(leaf)
    private static final int INCOMING = 4_000;         // (leaf)-[:LINK]->(hub), same type
    private static final int PER_CREATE_TRANSACTION = 5_000;
    private static final int SMALL_TRANSACTIONS = 300; // each deletes or changes one to three hub relationships

    @Test
    void standbyEqualsPrimaryAfterDeletingAndUpdatingHundredsOfRelationshipsOfANodeWithTwentyThousand()
            throws Exception {
        try (TestStack stack = TestStack.builder("applier-hub").withBroker().withPrimary("primary")
                .withStandby("standby").withApplier("standby").start();
             Driver primary = stack.server("primary").driver();
             Driver standby = stack.server("standby").driver()) {
            createHub(primary);
            long created = Replication.awaitCaughtUp(stack, primary, standby, Duration.ofMinutes(5));
            System.out.printf("hub: %d relationships replicated up to commit %d%n", OUTGOING + INCOMING, created);

            stack.applier().stop(); // the small transactions become a backlog, applied in batches after the restart
            int[] changed = smallTransactionsOnTheHub(primary);
            long t0 = System.nanoTime();
            stack.applier().start();
            long caughtUp = Replication.awaitCaughtUp(stack, primary, standby, Duration.ofMinutes(5));
            System.out.printf("hub: %d deleted and %d changed relationships in %d transactions applied in %d ms from "
                    + "the applier's restart (JVM start included; caught up at commit %d)%n", changed[0], changed[1],
                    SMALL_TRANSACTIONS, (System.nanoTime() - t0) / 1_000_000, caughtUp);

            GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
            GraphSnapshot actual = GraphSnapshot.of(standby, Identity.REPLICA);
            assertThat(expected.relationshipCount()).as("hub relationships left on the primary")
                    .isEqualTo(OUTGOING + INCOMING - changed[0]);
            assertThat(changed[0]).as("deleted").isGreaterThan(150);
            assertThat(changed[1]).as("changed").isGreaterThan(150);
            expected.assertSameAs(actual);
            assertThat(actual.problems()).as("duplicate keys on the standby").isEmpty();
        }
    }

    /** The hub, its leaves and 20,000 LINK relationships, outgoing then incoming, in big transactions. */
    private static void createHub(Driver primary) {
        try (Session s = primary.session()) {
            s.run("CREATE INDEX leaf_i FOR (l:Leaf) ON (l.i)").consume(); // the primary's own lookups below
            s.run("CALL db.awaitIndexes(60)").consume();
            s.run("CREATE (:Hub {name: 'hub'})").consume();
            for (int first = 0; first < OUTGOING + INCOMING; first += PER_CREATE_TRANSACTION) {
                int from = first;
                int to = Math.min(OUTGOING + INCOMING, from + PER_CREATE_TRANSACTION) - 1;
                s.executeWriteWithoutResult(tx -> tx.run("MATCH (h:Hub {name: 'hub'}) UNWIND range($from, $to) AS i "
                        + "CREATE (l:Leaf {i: i}) "
                        + "FOREACH (_ IN CASE WHEN i < $outgoing THEN [1] ELSE [] END | CREATE (h)-[:LINK {i: i, w: 0}]->(l)) "
                        + "FOREACH (_ IN CASE WHEN i >= $outgoing THEN [1] ELSE [] END | CREATE (l)-[:LINK {i: i, w: 0}]->(h))",
                        Map.of("from", from, "to", to, "outgoing", OUTGOING)).consume());
            }
        }
    }

    /**
     * Small transactions, each on one to three distinct hub relationships picked at random in both directions:
     * delete them, or set one property and remove another. Returns {deleted, changed}.
     */
    private static int[] smallTransactionsOnTheHub(Driver primary) {
        Random random = new Random(SEED);
        List<Integer> untouched = new ArrayList<>();
        for (int i = 0; i < OUTGOING + INCOMING; i++) {
            untouched.add(i);
        }
        Collections.shuffle(untouched, random);
        int[] counts = new int[2];
        try (Session s = primary.session()) {
            for (int t = 0; t < SMALL_TRANSACTIONS; t++) {
                List<Integer> picked = new ArrayList<>(untouched.subList(0, 1 + random.nextInt(3)));
                untouched.subList(0, picked.size()).clear();
                boolean delete = random.nextBoolean();
                String change = delete ? "DELETE r" : "SET r.w = $t, r.note = 'changed in ' + $t REMOVE r.i";
                s.executeWriteWithoutResult(tx -> tx.run("MATCH (l:Leaf) WHERE l.i IN $is "
                        + "MATCH (l)-[r:LINK]-(:Hub {name: 'hub'}) " + change, Map.of("is", picked, "t", picked.get(0)))
                        .consume());
                counts[delete ? 0 : 1] += picked.size();
            }
        }
        return counts;
    }
}
