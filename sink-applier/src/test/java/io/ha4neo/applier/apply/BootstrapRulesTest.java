package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static io.ha4neo.applier.fixtures.Events.bootstrap;
import static io.ha4neo.applier.fixtures.Events.createsNode;
import static io.ha4neo.applier.fixtures.Events.mark;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.apply.BootstrapRules.Step;
import io.ha4neo.applier.apply.CommitChain.Decision;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.standby.BootstrapStage;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BootstrapRulesTest {
    private static final Optional<BootstrapStage> AWAITING = Optional.of(BootstrapStage.awaitingBegin("r1"));
    private static final Optional<BootstrapStage> SEEDING = Optional.of(BootstrapStage.seeding("r1"));
    private static final Optional<BootstrapStage> FOLLOWING = Optional.empty();

    @Test
    void awaitingTheBeginPassesOverEveryOtherItemUnchainedAndTakesOnlyTheBeginOfItsOwnRun() {
        List<LogItem> others = List.of(at(1, createsNode(9, 3, "a")),
                at(2, Events.epochStart(4, 2, 3, 700)),
                at(3, TransactionEvent.gapEvent(9, 0, "c1", 1, "neo4j", new io.ha4neo.schemas.event.CaptureGap(10, 12, "spool lost"))),
                at(4, bootstrap(13, 12, mark("r0", BootstrapPhase.BEGIN, 0, 0)).build()),
                at(5, bootstrap(14, 13, mark("r1", BootstrapPhase.NODES, 0, 0)).build()),
                new LogItem.Undecodable(OptionalLong.of(15), new LogPosition(Events.TOPIC, 0, 6),
                        new DecodeException(DecodeException.Reason.CORRUPT, "bad")),
                new LogItem.Fragment(16, new LogPosition(Events.TOPIC, 0, 7), "chunk 2 of 3 missing"));
        for (LogItem item : others) {
            assertThat(BootstrapRules.beforeChain(AWAITING, item)).as("%s", item).contains(Step.PASS_OVER_UNCHAINED);
        }
        LogItem begin = at(8, bootstrap(17, 16, mark("r1", BootstrapPhase.BEGIN, 0, 0)).build());
        assertThat(BootstrapRules.beforeChain(AWAITING, begin)).contains(Step.BEGIN_RUN);
    }

    @Test
    void outsideAwaitingTheChainDecidesFirst() {
        LogItem begin = at(8, bootstrap(17, 16, mark("r1", BootstrapPhase.BEGIN, 0, 0)).build());

        assertThat(BootstrapRules.beforeChain(SEEDING, begin)).isEmpty();
        assertThat(BootstrapRules.beforeChain(FOLLOWING, begin)).isEmpty();
    }

    @Test
    void whileSeedingTheOwnRunsChunksAreImagesItsEndEndsAndOrdinaryEventsAreRelaxed() {
        assertThat(admitted(SEEDING, bootstrap(5, 4, mark("r1", BootstrapPhase.NODES, 1, 0)).build()))
                .isEqualTo(Step.APPLY_IMAGES);
        assertThat(admitted(SEEDING, bootstrap(5, 4, mark("r1", BootstrapPhase.RELATIONSHIPS, 3, 1)).build()))
                .isEqualTo(Step.APPLY_IMAGES);
        assertThat(admitted(SEEDING, bootstrap(5, 4, mark("r1", BootstrapPhase.END, 3, 2)).build()))
                .isEqualTo(Step.END_RUN);
        assertThat(admitted(SEEDING, createsNode(5, 4, "a"))).isEqualTo(Step.APPLY_WHILE_SEEDING);
        TransactionEvent.Builder schema = Events.tx(5, 4);
        schema.schemaChanges.add(Events.createIndex("person_name"));
        assertThat(admitted(SEEDING, schema.build())).isEqualTo(Step.APPLY_SCHEMA);
    }

    @Test
    void bootstrapEventsOfAnotherRunOrWhileFollowingArePassedOverInTheChain() {
        for (BootstrapPhase phase : BootstrapPhase.values()) {
            TransactionEvent other = bootstrap(5, 4, mark("r0", phase, 0, 0)).build();
            TransactionEvent own = bootstrap(5, 4, mark("r1", phase, 0, 0)).build();
            assertThat(admitted(SEEDING, other)).as("another run's %s", phase).isEqualTo(Step.PASS_OVER);
            assertThat(admitted(FOLLOWING, own)).as("%s while following", phase).isEqualTo(Step.PASS_OVER);
        }
        assertThat(admitted(FOLLOWING, createsNode(5, 4, "a"))).isEqualTo(Step.APPLY);
    }

    @Test
    void theChainsRedeliveryAndSkipWinOverTheStage() {
        LogItem chunk = at(3, bootstrap(5, 4, mark("r1", BootstrapPhase.NODES, 1, 0)).build());

        assertThat(BootstrapRules.admitted(SEEDING, chunk, Decision.ALREADY_APPLIED)).isEqualTo(Step.ALREADY_APPLIED);
        assertThat(BootstrapRules.admitted(SEEDING, chunk, Decision.OPERATOR_SKIP)).isEqualTo(Step.OPERATOR_SKIP);
    }

    private static Step admitted(Optional<BootstrapStage> stage, TransactionEvent e) {
        return BootstrapRules.admitted(stage, at(3, e), Decision.APPLY);
    }
}
