package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static io.ha4neo.applier.fixtures.Events.createsNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.error.ApplierErrors;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.FakeStandbyStore;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.Value;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;

class ChangeApplierTest {
    private final FakeStandbyStore store = new FakeStandbyStore();
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(5_000_000), ZoneOffset.UTC);

    private ChangeApplier applier(OptionalLong skip) {
        ChangeApplier a = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(skip), "neo4j", 30, clock);
        a.position();
        return a;
    }

    @Test
    void writesARunOfTransactionsOnceWithTheWatermarkOfItsLastRecord() {
        ApplyResult r = applier(OptionalLong.empty()).apply(List.of(at(0, createsNode(3, 0, "a")), at(1, createsNode(5, 3, "b"))));

        assertThat(store.log).containsExactly("ensure", "write 5@1");
        assertThat(store.watermark).isEqualTo(new Watermark("neo4j", 5, 1, Events.TOPIC, 0, 1, 1_000_005, 5_000_000));
        assertThat(r.transactions()).isEqualTo(2);
        assertThat(r.sourceCommitTimes()).containsExactly(1_000_003L, 1_000_005L);
    }

    @Test
    void ignoresRedeliveredTransactionsAfterARestart() {
        applier(OptionalLong.empty()).apply(List.of(at(0, createsNode(3, 0, "a")), at(1, createsNode(5, 3, "b"))));

        ApplyResult again = applier(OptionalLong.empty()).apply(List.of(at(0, createsNode(3, 0, "a")),
                at(1, createsNode(5, 3, "b")), at(2, createsNode(6, 5, "c"))));

        assertThat(store.log).containsExactly("ensure", "write 5@1", "ensure", "write 6@2");
        assertThat(store.batches.get(1).get(0).rows()).extracting(row -> row.get("key")).containsExactly("c");
        assertThat(again.transactions()).isEqualTo(1);
    }

    @Test
    void appliesASchemaEventAloneThenAwaitsIndexesThenMovesTheWatermark() {
        TransactionEvent.Builder schema = Events.tx(4, 3);
        schema.schemaChanges.add(Events.createIndex("person_name"));

        applier(OptionalLong.empty()).apply(List.of(at(0, createsNode(3, 0, "a")), at(1, schema.build()),
                at(2, createsNode(5, 4, "b"))));

        assertThat(store.log).containsExactly("ensure", "write 3@0",
                "schema CREATE INDEX person_name FOR (n:Person) ON (n.name)", "await 30", "write 4@1", "write 5@2");
        assertThat(store.batches.get(1)).isEmpty();
    }

    @Test
    void replaysASchemaEventHarmlesslyAfterACrashBeforeItsWatermark() {
        TransactionEvent.Builder schema = Events.tx(4, 3);
        schema.schemaChanges.add(Events.createIndex("person_name"));
        applier(OptionalLong.empty()).apply(List.of(at(0, createsNode(3, 0, "a"))));
        store.schemaObjects.add("person_name"); // the statement committed, then the process died

        applier(OptionalLong.empty()).apply(List.of(at(1, schema.build())));

        assertThat(store.log).containsExactly("ensure", "write 3@0", "ensure", "await 30", "write 4@1");
    }

    @Test
    void skipsASchemaTransactionTheOperatorNamesWithoutRunningItAndRecordsTheSkipOnce() {
        TransactionEvent.Builder schema = Events.tx(4, 3);
        schema.schemaChanges.add(Events.createIndex("person_name"));
        List<LogItem> items = List.of(at(0, createsNode(3, 0, "a")), at(1, schema.build()), at(2, createsNode(5, 4, "b")));

        applier(OptionalLong.of(4)).apply(items);
        applier(OptionalLong.of(4)).apply(items); // redelivered after a restart with the key still set

        assertThat(store.log).as("no schema statement, no await: data, skip and data in one write")
                .containsExactly("ensure", "write 5@2");
        assertThat(store.skips).singleElement().satisfies(skip -> {
            assertThat(skip.commitId()).isEqualTo(4);
            assertThat(skip.reason()).contains("skip.commit.id=4").contains("schema transaction")
                    .contains("CREATE INDEX person_name");
        });
        assertThat(store.schemaObjects).isEmpty();
    }

    @Test
    void recordsAnOperatorSkipInTheSameWriteAsTheWatermark() {
        LogItem.Undecodable poison = new LogItem.Undecodable(OptionalLong.of(4), new LogPosition(Events.TOPIC, 0, 1),
                new DecodeException(DecodeException.Reason.TRUNCATED, "truncated"));

        applier(OptionalLong.of(4)).apply(List.of(at(0, createsNode(3, 0, "a")), poison, at(2, createsNode(5, 4, "b"))));

        assertThat(store.skips).hasSize(1);
        assertThat(store.skips.get(0).commitId()).isEqualTo(4);
        assertThat(store.skips.get(0).reason()).contains("undecodable record at topic ha4neo.test.neo4j partition 0 offset 1");
        assertThat(store.watermark.commitId()).isEqualTo(5);
    }

    @Test
    void appliesEverythingBeforeAFatalItemAndNothingAfterIt() {
        LogItem.Undecodable poison = new LogItem.Undecodable(OptionalLong.of(4), new LogPosition(Events.TOPIC, 0, 1),
                new DecodeException(DecodeException.Reason.CORRUPT, "corrupt"));
        ChangeApplier a = applier(OptionalLong.empty());

        assertThatThrownBy(() -> a.apply(List.of(at(0, createsNode(3, 0, "a")), poison, at(2, createsNode(5, 4, "b")))))
                .isInstanceOf(FatalApplierException.class).hasMessageContaining("offset 1");
        assertThat(store.log).containsExactly("ensure", "write 3@0");
        assertThat(a.watermark().orElseThrow().commitId()).isEqualTo(3);
    }

    @Test
    void afterAWriteWhoseOutcomeIsUnknownReadsTheWatermarkBeforeWritingAgainInsteadOfReportingADivergence() {
        ChangeApplier a = applier(OptionalLong.empty());
        store.failAfterNextWrite = new org.neo4j.driver.exceptions.ServiceUnavailableException("connection lost "
                + "while committing");
        List<LogItem> batch = List.of(at(0, createsNode(3, 0, "a")), at(1, createsNode(5, 3, "b")));

        assertThatThrownBy(() -> a.apply(batch)).isNotInstanceOf(FatalApplierException.class);
        int reads = store.watermarkReads;
        ApplyResult retry = a.apply(List.of(batch.get(0), batch.get(1), at(2, createsNode(6, 5, "c"))));

        assertThat(store.watermarkReads).as("re-read before writing").isEqualTo(reads + 1);
        assertThat(store.log).as("the committed batch is not written again").containsExactly("ensure", "write 5@1", "write 6@2");
        assertThat(retry.transactions()).isEqualTo(1);
        assertThat(a.watermark().orElseThrow().commitId()).isEqualTo(6);
    }

    @Test
    void afterAWriteThatDidNotCommitTheRetryWritesTheSameBatchAgain() {
        ChangeApplier a = applier(OptionalLong.empty());
        store.failNextWrite = new org.neo4j.driver.exceptions.ServiceUnavailableException("gone before commit");
        List<LogItem> batch = List.of(at(0, createsNode(3, 0, "a")), at(1, createsNode(5, 3, "b")));

        assertThatThrownBy(() -> a.apply(batch));
        a.apply(batch);

        assertThat(store.log).containsExactly("ensure", "failed write 5@1", "write 5@1");
    }

    @Test
    void keepsItsWatermarkWhenAWriteFailsSoARetryStartsFromTheStandby() {
        ChangeApplier a = applier(OptionalLong.empty());
        store.failNextWrite = new org.neo4j.driver.exceptions.ServiceUnavailableException("gone");

        assertThatThrownBy(() -> a.apply(List.of(at(0, createsNode(3, 0, "a")))))
                .satisfies(e -> assertThat(ApplierErrors.classify(e).action()).isEqualTo(ApplierErrors.Action.RETRIABLE));
        assertThat(a.watermark()).isEmpty();
        a.position();
        a.apply(List.of(at(0, createsNode(3, 0, "a"))));
        assertThat(store.log).containsExactly("ensure", "failed write 3@0", "write 3@0");
    }

    @Test
    void appliesAnEpochStartWithTheDataAroundItAndTheNewPrimarysLowerCommitIdsAfterIt() {
        store.watermark = new Watermark("neo4j", 120, 0, Events.TOPIC, 0, 10, 1_000_120, 0);
        ChangeApplier a = applier(OptionalLong.empty());

        ApplyResult r = a.apply(List.of(at(10, Events.createsNode(0, 120, 119, "old")),
                at(11, Events.createsNode(0, 121, 120, "last-of-epoch-0")), at(12, Events.epochStart(1, 57, 0, 121)),
                at(13, Events.createsNode(1, 60, 57, "x")), at(14, Events.createsNode(1, 61, 60, "y"))));

        assertThat(store.log).as("one write: data, epoch start and data").containsExactly("ensure", "write 61@14");
        assertThat(store.batches.get(0)).flatExtracting(st -> st.rows()).extracting(row -> row.get("key"))
                .containsExactly("last-of-epoch-0", "x", "y");
        assertThat(store.watermark.chainPosition()).isEqualTo(new ChainPosition(1, 61));
        assertThat(r.transactions()).isEqualTo(4);
    }

    @Test
    void movesTheWatermarkToTheNewEpochWhenTheEpochStartIsTheLastItemOfABatch() {
        store.watermark = new Watermark("neo4j", 120, 0, Events.TOPIC, 0, 10, 1_000_120, 0);

        applier(OptionalLong.empty()).apply(List.of(at(11, Events.epochStart(1, 57, 0, 120))));
        applier(OptionalLong.empty()).apply(List.of(at(11, Events.epochStart(1, 57, 0, 120)),
                at(12, Events.createsNode(1, 60, 57, "x"))));

        assertThat(store.log).containsExactly("ensure", "write 57@11", "ensure", "write 60@12");
        assertThat(store.batches.get(0)).as("nothing to change in the graph").isEmpty();
        assertThat(store.watermark).as("with where epoch 0 ended").isEqualTo(new Watermark("neo4j", 60, 1,
                Events.TOPIC, 0, 12, 1_000_060, 5_000_000, null, new java.util.TreeMap<>(java.util.Map.of(0L, 120L))));
    }

    @Test
    void aLingeringSkipIdDropsNoCommitOfALaterEpochThatHappensToHaveTheSameId() {
        store.watermark = new Watermark("neo4j", 10, 1, Events.TOPIC, 0, 0, 0, 0);

        applier(OptionalLong.of(12)).apply(List.of(at(1, Events.createsNode(1, 11, 10, "a")),
                at(2, Events.epochStart(2, 5, 1, 11)), at(3, Events.createsNode(2, 12, 5, "b"))));

        assertThat(store.skips).isEmpty();
        assertThat(store.batches.get(0)).flatExtracting(st -> st.rows()).extracting(row -> row.get("key"))
                .containsExactly("a", "b");
        assertThat(store.watermark.chainPosition()).isEqualTo(new ChainPosition(2, 12));
    }

    @Test
    void checksEpochAndCommitIdOfTheStandbysWatermarkBeforeWriting() {
        store.watermark = new Watermark("neo4j", 57, 0, Events.TOPIC, 0, 10, 0, 0);
        ChangeApplier a = applier(OptionalLong.empty());
        store.watermark = new Watermark("neo4j", 57, 1, Events.TOPIC, 0, 11, 0, 0); // another writer moved it

        assertThatThrownBy(() -> a.apply(List.of(at(11, Events.createsNode(0, 58, 57, "x")))))
                .isInstanceOf(FatalApplierException.class)
                .satisfies(e -> assertThat(((FatalApplierException) e).kind()).isEqualTo("divergence"));
        assertThat(store.log).as("nothing but the constraints").containsExactly("ensure");
    }

    // ------------------------------------------------------------------ a standby without a watermark

    @Test
    void anEmptyStandbyFollowsFromTheBaselineOfAnEmptyStoreWhichTheWatermarkStartsAt() {
        applier(OptionalLong.empty()).apply(List.of(at(0, Events.baseline(7, StoreContent.EMPTY))));

        assertThat(store.log).as("the constraints, then the watermark at the baseline").containsExactly("ensure",
                "write 7@0");
        assertThat(store.watermark.chainPosition()).isEqualTo(new ChainPosition(1, 7));
        assertThat(store.batches.get(0)).as("a baseline changes nothing in the graph").isEmpty();

        applier(OptionalLong.empty()).apply(List.of(at(0, Events.baseline(7, StoreContent.EMPTY)),
                at(1, createsNode(9, 7, "a"))));

        assertThat(store.log).containsExactly("ensure", "write 7@0", "ensure", "write 9@1");
        assertThat(store.contentReads).as("counted only while there was no watermark").isEqualTo(1);
    }

    @Test
    void refusesAnEmptyStandbyWhenThePrimaryHeldDataAtTheBaselineBeforeWritingAnythingNotEvenTheConstraints() {
        ChangeApplier a = applier(OptionalLong.empty());

        assertThatThrownBy(() -> a.apply(List.of(at(0, Events.baseline(7, new StoreContent(3, 0, 0, 0))),
                at(1, createsNode(9, 7, "a"))))).isInstanceOf(FatalApplierException.class)
                .hasMessageContaining("on a store that already held 3 nodes")
                .satisfies(e -> assertThat(((FatalApplierException) e).kind()).isEqualTo(BootstrapRefusal.KIND));
        assertThat(store.log).isEmpty();
        assertThat(store.watermark).isNull();
    }

    @Test
    void refusesAStandbyThatHoldsDataWithoutAWatermarkBeforeWritingAnything() {
        store.content = new StoreContent(0, 0, 1, 0); // an index is data too
        ChangeApplier a = applier(OptionalLong.empty());

        assertThatThrownBy(() -> a.apply(List.of(at(0, Events.baseline(7, StoreContent.EMPTY)))))
                .isInstanceOf(FatalApplierException.class).hasMessageContaining("already holds 0 nodes, "
                        + "0 relationships, 1 index and 0 constraints")
                .satisfies(e -> assertThat(((FatalApplierException) e).kind()).isEqualTo(BootstrapRefusal.KIND));
        assertThat(store.log).isEmpty();
    }

    @Test
    void aStandbyWithAWatermarkIsNotCountedAndFollowsAsBefore() {
        store.watermark = new Watermark("neo4j", 7, 1, Events.TOPIC, 0, 0, 0, 0);
        store.content = new StoreContent(100, 50, 1, 1); // what it applied so far

        applier(OptionalLong.empty()).apply(List.of(at(0, Events.baseline(7, new StoreContent(3, 0, 0, 0))),
                at(1, createsNode(9, 7, "a"))));

        assertThat(store.log).containsExactly("ensure", "write 9@1");
        assertThat(store.contentReads).isZero();
    }

    /** Across a handover on a real standby: the graph and the watermark (epoch and commit id). */
    @Nested
    class OnNeo4j {
        private static final String A = "4:aaaaaaaa-0000-0000-0000-000000000000:"; // keys minted by the old primary
        private static final String B = "4:bbbbbbbb-0000-0000-0000-000000000000:"; // and by the new one

        private final Neo4jStandbyStore neo4j = new Neo4jStandbyStore(InProcessNeo4j.driver(), "neo4j", 30);

        @Test
        void appliesEpoch0AnEpochStartAndEpoch1WithLowerCommitIdsToTheGraphAndTheWatermark() {
            InProcessNeo4j.wipe(); // a standby without a watermark: no indexes of earlier tests either
            neo4j.ensureReservedSchema();
            ChangeApplier a = new ChangeApplier(neo4j, new ApplyPlanner(), new CommitChain(OptionalLong.empty()),
                    "neo4j", 30, clock);
            a.position();
            TransactionEvent.Builder edge = Events.tx(60, 57).origin("c1", 1);
            edge.createdNodes.add(Events.node(B + "1", List.of("Person"), Map.of("name", Value.of("bea"))));
            edge.createdRelationships.add(Events.relCreated(Events.rel(B + "2", "KNOWS", B + "1", A + "1"), Map.of()));
            TransactionEvent.Builder rename = Events.tx(61, 60).origin("c1", 1);
            rename.nodePropertyChanges.add(Events.nodeProp(A + "1", "name", "ann (renamed)"));

            a.apply(List.of(at(0, Events.createsNode(0, 119, 0, A + "1")), at(1, Events.createsNode(0, 120, 119, A + "2"))));
            a.apply(List.of(at(2, Events.epochStart(1, 57, 0, 120)), at(3, edge.build())));
            a.apply(List.of(at(4, rename.build())));

            assertThat(neo4j.readWatermark().orElseThrow().chainPosition()).isEqualTo(new ChainPosition(1, 61));
            assertThat(neo4j.readWatermark().orElseThrow().offset()).isEqualTo(4);
            try (Session s = InProcessNeo4j.driver().session()) {
                assertThat(s.run("MATCH (n:" + ReservedNames.NODE_LABEL + ") RETURN n." + ReservedNames.ID_PROPERTY
                        + " + '=' + n.name AS n ORDER BY n").list(r -> r.get("n").asString()))
                        .containsExactly(A + "1=ann (renamed)", A + "2=" + A + "2", B + "1=bea");
                assertThat(s.run("MATCH (a)-[r:KNOWS]->(b) RETURN a.name + '->' + b.name AS r").single().get("r")
                        .asString()).isEqualTo("bea->ann (renamed)");
            }
        }
    }
}
