package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static io.ha4neo.applier.fixtures.Events.baseline;
import static io.ha4neo.applier.fixtures.Events.createsNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.error.ApplierErrors;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import io.ha4neo.schemas.event.StoreContent;
import java.util.OptionalLong;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The decision table for a standby without a watermark: what it holds (nothing, or user data) against how the log
 * begins (the baseline of an empty store, the baseline of a store with data, an event of a log without baseline,
 * something that is not the start of a log).
 */
class BaselineCheckTest {
    private static final String STANDBY = "database 'neo4j' at bolt://standby:7687";
    private static final StoreContent PRIMARY_HELD = new StoreContent(3, 1, 1, 0);
    private static final StoreContent STANDBY_HOLDS = new StoreContent(1, 0, 0, 2);

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(FatalApplierException.class)
                .satisfies(e -> assertThat(((FatalApplierException) e).kind()).isEqualTo(BootstrapRefusal.KIND))
                .satisfies(e -> assertThat(ApplierErrors.classify(e).action()).isEqualTo(ApplierErrors.Action.FATAL))
                .hasMessageContaining("standby " + STANDBY + " has no watermark")
                .hasMessageContaining(BootstrapRefusal.FIX)
                .hasMessageContaining("Nothing was written; applier stopped");
    }

    @Test
    void anEmptyStandbyFollowsALogThatBeginsWithTheBaselineOfAnEmptyStore() {
        assertThat(BaselineCheck.requireSeeded(STANDBY, StoreContent.EMPTY, at(0, baseline(7, StoreContent.EMPTY))))
                .as("the log has a baseline").isTrue();
    }

    @Test
    void anEmptyStandbyIsRefusedWhenThePrimarysStoreHeldDataAtTheBaseline() {
        assertRefused(() -> BaselineCheck.requireSeeded(STANDBY, StoreContent.EMPTY, at(0, baseline(7, PRIMARY_HELD))))
                .hasMessageContaining("the log begins at its baseline (epoch 1, commit 7) at topic "
                        + Events.TOPIC + " partition 0 offset 0")
                .hasMessageContaining("capture first started on member 'member-a' after commit 7, on a store that "
                        + "already held 3 nodes, 1 relationship, 1 index and 0 constraints")
                .hasMessageContaining("up to (epoch 1, commit 7) or later")
                .hasMessageContaining("run `ha4neo bootstrap --standby <member>`, then start this applier again");
    }

    @Test
    void aStandbyThatHoldsDataIsRefusedWhateverTheLogBeginsWith() {
        assertRefused(() -> BaselineCheck.requireSeeded(STANDBY, STANDBY_HOLDS, at(0, baseline(7, StoreContent.EMPTY))))
                .hasMessageContaining("already holds 1 node, 0 relationships, 0 indexes and 2 constraints that this "
                        + "applier did not write")
                .hasMessageContaining("the log begins at its baseline (epoch 1, commit 7)")
                .hasMessageContaining("seed it with `ha4neo bootstrap` (`ha4neo bootstrap --standby <member> --reseed`, which replaces that data");
        assertRefused(() -> BaselineCheck.requireSeeded(STANDBY, STANDBY_HOLDS, at(0, baseline(7, PRIMARY_HELD))))
                .hasMessageContaining("already holds 1 node");
        assertRefused(() -> BaselineCheck.requireSeeded(STANDBY, STANDBY_HOLDS, at(0, createsNode(3, 0, "a"))))
                .hasMessageContaining("(epoch 1, commit 3) at topic " + Events.TOPIC + " partition 0 offset 0 (no "
                        + "baseline");
        assertRefused(() -> BaselineCheck.requireSeeded(STANDBY, STANDBY_HOLDS, undecodable()))
                .hasMessageContaining("offset 0 (a record that cannot be read as a whole transaction)");
    }

    @Test
    void anEmptyStandbyLeavesALogWithoutBaselineToTheChainRule() {
        assertThat(BaselineCheck.requireSeeded(STANDBY, StoreContent.EMPTY, at(0, createsNode(3, 0, "a"))))
                .as("a log written before event schema v5: applied as before").isFalse();
        assertThat(BaselineCheck.requireSeeded(STANDBY, StoreContent.EMPTY, at(0, Events.epochStart(2, 5, 1, 11))))
                .as("not the start of a log: CommitChain stops there").isFalse();
        assertThat(BaselineCheck.requireSeeded(STANDBY, StoreContent.EMPTY, undecodable())).isFalse();
    }

    @Test
    void aBaselineIsTheStartOfTheLogForTheChainRuleToo() {
        CommitChain chain = new CommitChain(OptionalLong.empty());
        assertThat(chain.admit(java.util.Optional.empty(), at(0, baseline(7, StoreContent.EMPTY))))
                .isEqualTo(CommitChain.Decision.APPLY);
        AppliedPosition after = CommitChain.after(java.util.Optional.empty(), at(0, baseline(7, StoreContent.EMPTY)));
        assertThat(chain.admit(java.util.Optional.of(after), at(1, createsNode(9, 7, "a"))))
                .as("the first captured commit follows the baseline").isEqualTo(CommitChain.Decision.APPLY);
        assertThat(chain.admit(java.util.Optional.of(after), at(0, baseline(7, StoreContent.EMPTY))))
                .as("redelivered").isEqualTo(CommitChain.Decision.ALREADY_APPLIED);
    }

    private static LogItem undecodable() {
        return new LogItem.Undecodable(OptionalLong.of(3), new LogPosition(Events.TOPIC, 0, 0),
                new DecodeException(DecodeException.Reason.CORRUPT, "garbage"));
    }
}
