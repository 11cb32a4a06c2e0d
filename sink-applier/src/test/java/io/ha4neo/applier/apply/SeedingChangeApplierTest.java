package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static io.ha4neo.applier.fixtures.Events.bootstrap;
import static io.ha4neo.applier.fixtures.Events.createsNode;
import static io.ha4neo.applier.fixtures.Events.mark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.FakeStandbyStore;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.plan.Phase;
import io.ha4neo.applier.plan.PlannedStatement;
import io.ha4neo.applier.standby.BootstrapStage;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.applier.standby.WatermarkPreparedException;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.Value;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The applier's bootstrap stages (docs/bootstrap.md) against the in-memory standby: what is written, in order. */
class SeedingChangeApplierTest {
    private static final String RUN = "r1";
    private final FakeStandbyStore store = new FakeStandbyStore();
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(5_000_000), ZoneOffset.UTC);

    /** A stale standby (old data, an old index) prepared for run r1 at offset 4 of epoch 1. */
    @BeforeEach
    void preparedStaleStandby() {
        store.watermark = prepared(RUN, 4);
        store.userEntities = 25_000;
        store.schemaObjects.add("old_index");
        store.schemaObjects.add("_ha4neo_node_id");
    }

    @Test
    void passesOverEverythingBeforeItsBeginThenEmptiesTheStandbyAndSeedsUntilTheEnd() {
        List<LogItem> log = new ArrayList<>(beforeBegin());
        log.add(at(9, begin(22, 21)));
        log.add(at(10, createsNode(23, 22, "new"))); // created after the begin: applied
        TransactionEvent.Builder notHeld = Events.tx(24, 23);
        notHeld.labelChanges.add(Events.label("old", "Admin", true)); // its image comes later: passed over
        log.add(at(11, notHeld.build()));
        TransactionEvent.Builder chunk = bootstrap(25, 24, mark(RUN, BootstrapPhase.NODES, 2, 0));
        chunk.bootstrapNodes.add(Events.node("old", List.of("Person", "Admin"), Map.of("name", Value.of("o"))));
        chunk.bootstrapNodes.add(Events.node("new", List.of("Person"), Map.of("name", Value.of("new"))));
        log.add(at(12, chunk.build()));
        log.add(at(13, bootstrap(26, 25, mark(RUN, BootstrapPhase.END, 2, 0)).build()));
        log.add(at(14, createsNode(27, 26, "after")));

        ApplyResult r = applier().apply(log);

        assertThat(store.log).containsExactly("ensure", "write 0@8",
                "delete 10000", "delete 10000", "delete 5000", "delete 0", "drop user schema [old_index]",
                "schema CREATE INDEX person_name FOR (n:Person) ON (n.name)", "await 30", "write 22@9",
                "write 25@12", "write 26@13", "write 27@14");
        assertThat(store.batches.get(0)).as("passing over writes nothing").isEmpty();
        assertThat(store.batches.get(2)).extracting(PlannedStatement::phase, PlannedStatement::atMost).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Phase.NODES_CREATED, true),
                org.assertj.core.groups.Tuple.tuple(Phase.LABELS_CHANGED, true),
                org.assertj.core.groups.Tuple.tuple(Phase.NODE_IMAGES, false));
        assertThat(store.batches.get(4)).extracting(PlannedStatement::atMost).as("strict after the end")
                .containsExactly(false);
        assertThat(store.watermark).isEqualTo(new Watermark("neo4j", 27, 1, Events.TOPIC, 0, 14, 1_000_027, 5_000_000));
        assertThat(r.lastBootstrapMark()).map(m -> m.phase()).contains(BootstrapPhase.END);
    }

    @Test
    void theWatermarkNamesTheStageAtEachStep() {
        applier().apply(beforeBegin());
        assertThat(store.watermark.bootstrapStage()).contains(BootstrapStage.awaitingBegin(RUN));
        assertThat(store.watermark.offset()).isEqualTo(8);
        assertThat(store.watermark.chainPosition()).as("still before the history")
                .isEqualTo(new io.ha4neo.schemas.event.ChainPosition(1, 0));

        applier().apply(List.of(at(9, begin(22, 21))));
        assertThat(store.watermark).isEqualTo(new Watermark("neo4j", 22, 1, Events.TOPIC, 0, 9, 1_000_022, 5_000_000,
                BootstrapStage.seeding(RUN)));

        applier().apply(List.of(at(10, bootstrap(23, 22, mark(RUN, BootstrapPhase.END, 0, 0)).build())));
        assertThat(store.watermark.bootstrapStage()).isEmpty();
    }

    @Test
    void aKillDuringTheBeginLeavesAwaitingBeginAndTheBeginIsDoneAgain() {
        store.failIf = (statements, next) -> next.commitId() == 22 ? new IllegalStateException("kill -9") : null;
        List<LogItem> log = new ArrayList<>(beforeBegin());
        log.add(at(9, begin(22, 21)));
        assertThatThrownBy(() -> applier().apply(log)).hasMessage("kill -9");
        assertThat(store.watermark.bootstrapStage()).contains(BootstrapStage.awaitingBegin(RUN));
        assertThat(store.watermark.offset()).isEqualTo(8);

        store.failIf = (statements, next) -> null;
        store.userEntities = 3; // written before the kill? no matter: emptied again
        store.log.clear();
        applier().apply(List.of(at(9, begin(22, 21))));

        assertThat(store.log).containsExactly("ensure", "delete 3", "delete 0", "drop user schema [person_name]",
                "schema CREATE INDEX person_name FOR (n:Person) ON (n.name)", "await 30", "write 22@9");
        assertThat(store.watermark.bootstrapStage()).contains(BootstrapStage.seeding(RUN));
    }

    @Test
    void whileSeedingTheChainStillHolds() {
        ChangeApplier a = applier();
        a.apply(List.of(at(9, begin(22, 21))));

        assertThatThrownBy(() -> a.apply(List.of(at(10, createsNode(30, 29, "x")))))
                .isInstanceOf(FatalApplierException.class).hasMessageContaining("missing commits (22, 29]");
    }

    @Test
    void aStandbyThatFollowsPassesOverEveryBootstrapEventInTheChain() {
        store.watermark = new Watermark("neo4j", 21, 1, Events.TOPIC, 0, 8, 0, 0);
        store.log.clear();

        applier().apply(List.of(at(9, begin(22, 21)), at(10, bootstrap(23, 22, mark(RUN, BootstrapPhase.END, 0, 0))
                .build()), at(11, createsNode(24, 23, "a"))));

        assertThat(store.log).as("no schema, no emptying").containsExactly("ensure", "write 24@11");
        assertThat(store.batches.get(0)).extracting(PlannedStatement::phase).containsExactly(Phase.NODES_CREATED);
        assertThatThrownBy(() -> applier().apply(List.of(at(12, createsNode(26, 25, "b")))))
                .as("and keeps the chain").isInstanceOf(FatalApplierException.class);
    }

    @Test
    void aWatermarkPreparedUnderTheApplierIsNotADivergence() {
        store.watermark = new Watermark("neo4j", 21, 1, Events.TOPIC, 0, 8, 0, 0);
        ChangeApplier a = applier();
        store.watermark = prepared("r2", 8); // ha4neo.bootstrap.prepare, while the applier runs

        assertThatThrownBy(() -> a.apply(List.of(at(9, createsNode(22, 21, "a")))))
                .isInstanceOf(WatermarkPreparedException.class);
        assertThat(a.position()).contains(prepared("r2", 8));
    }

    private ChangeApplier applier() {
        ChangeApplier a = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(OptionalLong.empty()), "neo4j",
                30, clock);
        a.position();
        return a;
    }

    private static Watermark prepared(String run, long offset) {
        return new Watermark("neo4j", 0, 1, Events.TOPIC, 0, offset, 0, 0, BootstrapStage.awaitingBegin(run));
    }

    /** Unrelated events, an epoch start, an undecodable record and another run's begin: offsets 5..8. */
    private static List<LogItem> beforeBegin() {
        TransactionEvent.Builder otherBegin = bootstrap(21, 20, mark("r0", BootstrapPhase.BEGIN, 0, 0));
        otherBegin.schemaChanges.add(Events.createIndex("other_index"));
        return List.of(at(5, createsNode(19, 3, "stale")), at(6, Events.epochStart(2, 700, 1, 19)),
                new LogItem.Undecodable(OptionalLong.of(20), new LogPosition(Events.TOPIC, 0, 7),
                        new DecodeException(DecodeException.Reason.WRONG_MAGIC_BYTE, "not avro")), at(8, otherBegin.build()));
    }

    private static TransactionEvent begin(long commitId, long prev) {
        TransactionEvent.Builder b = bootstrap(commitId, prev, mark(RUN, BootstrapPhase.BEGIN, 0, 0));
        b.schemaChanges.add(Events.createIndex("person_name"));
        return b.build();
    }
}
