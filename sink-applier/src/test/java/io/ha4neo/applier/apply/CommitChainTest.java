package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static io.ha4neo.applier.fixtures.Events.createsNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.apply.CommitChain.Decision;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.event.CaptureGap;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CommitChainTest {
    private final CommitChain chain = new CommitChain(OptionalLong.empty());

    @Test
    void skipsTransactionsTheWatermarkAlreadyCovers() {
        assertThat(chain.admit(10, true, at(3, createsNode(10, 7, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(10, true, at(2, createsNode(7, 5, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
    }

    @Test
    void appliesTheNextTransactionOfTheChain() {
        assertThat(chain.admit(10, true, at(4, createsNode(12, 10, "a")))).isEqualTo(Decision.APPLY);
    }

    @Test
    void reportsAGapWithTopicPartitionOffsetCommitIdAndTheExactMissingRange() {
        assertThatThrownBy(() -> chain.admit(10, true, at(4, createsNode(15, 13, "a"))))
                .isInstanceOf(FatalApplierException.class)
                .hasMessageContaining("topic ha4neo.test.neo4j partition 0 offset 4, commit 15")
                .hasMessageContaining("missing commits (10, 13]")
                .hasMessageContaining("Applier stopped");
    }

    @Test
    void reportsAForkWhenTheEventFollowsACommitOlderThanTheWatermark() {
        assertThatThrownBy(() -> chain.admit(10, true, at(4, createsNode(15, 8, "a"))))
                .hasMessageContaining("the log forks").hasMessageContaining("already applied commit 10");
    }

    @Test
    void requiresTheFirstEventOnAFreshStandbyToStartTheLog() {
        assertThat(chain.admit(0, false, at(0, createsNode(3, 0, "a")))).isEqualTo(Decision.APPLY);
        assertThatThrownBy(() -> chain.admit(0, false, at(0, createsNode(9, 8, "a"))))
                .hasMessageContaining("standby has no watermark").hasMessageContaining("must be bootstrapped first");
    }

    @Test
    void skipsExactlyTheOperatorsCommitWhenItIsNextAndRefusesItOtherwise() {
        CommitChain skipping = new CommitChain(OptionalLong.of(12));
        assertThat(skipping.admit(10, true, at(4, createsNode(12, 10, "a")))).isEqualTo(Decision.OPERATOR_SKIP);
        assertThat(skipping.admit(12, true, at(5, createsNode(13, 12, "a")))).isEqualTo(Decision.APPLY);
        assertThatThrownBy(() -> skipping.admit(9, true, at(4, createsNode(12, 10, "a"))))
                .hasMessageContaining("skip.commit.id=12 refused").hasMessageContaining("not the next one");
    }

    @Test
    void stopsAtAGapEventNamingTheRangeAndReasonUnlessTheOperatorSkipsExactlyIt() {
        TransactionEvent gap = TransactionEvent.gapEvent(10, 1L, "dc1", 0, "neo4j",
                new CaptureGap(11, 14, "committed while capture was not running"));
        assertThatThrownBy(() -> chain.admit(10, true, at(4, gap)))
                .isInstanceOf(FatalApplierException.class)
                .hasMessageContaining("commit ids 11..14 (committed while capture was not running)")
                .hasMessageContaining("offset 4").hasMessageContaining("skip.commit.id=14");
        assertThat(new CommitChain(OptionalLong.of(14)).admit(10, true, at(4, gap))).isEqualTo(Decision.OPERATOR_SKIP);
        assertThat(chain.admit(14, true, at(4, gap))).as("redelivered after a skip").isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(14, true, at(5, createsNode(15, 14, "a")))).isEqualTo(Decision.APPLY);
    }

    @Test
    void stopsOnAnUndecodableRecordNamingItsOffsetAndCommitIdUnlessTheOperatorSkipsIt() {
        LogItem.Undecodable poison = new LogItem.Undecodable(OptionalLong.of(12), new LogPosition(Events.TOPIC, 0, 41),
                new DecodeException(DecodeException.Reason.CORRUPT, "bad varint at byte 7"));
        assertThatThrownBy(() -> chain.admit(10, true, poison)).hasMessageContaining("offset 41")
                .hasMessageContaining("commit id 12").hasMessageContaining("bad varint").hasMessageContaining("skip.commit.id=12");
        CommitChain skipping = new CommitChain(OptionalLong.of(12));
        assertThat(skipping.admit(10, true, poison)).isEqualTo(Decision.OPERATOR_SKIP);
        assertThat(skipping.admit(12, true, poison)).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(12, true, poison)).as("a further chunk after the skip, key removed")
                .isEqualTo(Decision.ALREADY_APPLIED);
        assertThatThrownBy(() -> skipping.admit(0, false, new LogItem.Undecodable(OptionalLong.empty(),
                poison.position(), poison.error()))).as("an unreadable key cannot be skipped").hasMessageContaining("<id>");
    }

    @Test
    void passesOverAFragmentOfACommitTheWatermarkCoversAndOtherwiseStopsUnlessTheOperatorSkipsIt() {
        LogItem.Fragment fragment = new LogItem.Fragment(12, new LogPosition(Events.TOPIC, 0, 42),
                "chunk 2 of 3 of commit 12 was read without chunks 0..1 before it");

        assertThat(chain.admit(12, true, fragment)).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(15, true, fragment)).isEqualTo(Decision.ALREADY_APPLIED);
        assertThatThrownBy(() -> chain.admit(10, true, fragment)).isInstanceOf(FatalApplierException.class)
                .satisfies(e -> assertThat(((FatalApplierException) e).kind()).isEqualTo("chunk_sequence"))
                .hasMessageContaining("offset 42, commit 12").hasMessageContaining("without chunks 0..1")
                .hasMessageContaining("skip.commit.id=12");
        assertThat(new CommitChain(OptionalLong.of(12)).admit(10, true, fragment)).isEqualTo(Decision.OPERATOR_SKIP);
    }
}
