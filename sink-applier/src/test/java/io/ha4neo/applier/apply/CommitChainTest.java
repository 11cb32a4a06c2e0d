package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static io.ha4neo.applier.fixtures.Events.createsNode;
import static io.ha4neo.applier.fixtures.Events.epochStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.apply.CommitChain.Decision;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.event.CaptureGap;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.Optional;
import java.util.OptionalLong;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CommitChainTest {
    private static final Optional<AppliedPosition> NOT_BOOTSTRAPPED = Optional.empty();
    private final CommitChain chain = new CommitChain(OptionalLong.empty());

    /** The standby at (epoch, commit id), moved there by the record at {@code offset}. */
    private static Optional<AppliedPosition> standbyAt(long epoch, long commitId, long offset) {
        return Optional.of(new AppliedPosition(new ChainPosition(epoch, commitId), new LogPosition(Events.TOPIC, 0,
                offset)));
    }

    /** The standby at commit {@code commitId} of epoch 1 (the fixtures' epoch), before every offset the tests use. */
    private static Optional<AppliedPosition> standbyAt(long commitId) {
        return standbyAt(1, commitId, 0);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFatal(String kind, ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(FatalApplierException.class)
                .satisfies(e -> assertThat(((FatalApplierException) e).kind()).isEqualTo(kind));
    }

    // ------------------------------------------------------------------ within one epoch: the single-store rules

    @Test
    void skipsTransactionsTheWatermarkAlreadyCovers() {
        assertThat(chain.admit(standbyAt(10), at(3, createsNode(10, 7, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(standbyAt(10), at(2, createsNode(7, 5, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
    }

    @Test
    void appliesTheNextTransactionOfTheChain() {
        assertThat(chain.admit(standbyAt(10), at(4, createsNode(12, 10, "a")))).isEqualTo(Decision.APPLY);
    }

    @Test
    void reportsAGapWithTopicPartitionOffsetCommitIdAndTheExactMissingRange() {
        assertFatal("chain_gap", () -> chain.admit(standbyAt(10), at(4, createsNode(15, 13, "a"))))
                .hasMessageContaining("topic ha4neo.test.neo4j partition 0 offset 4, commit 15")
                .hasMessageContaining("missing commits (10, 13]")
                .hasMessageContaining("Applier stopped");
    }

    @Test
    void reportsAForkWhenTheEventFollowsACommitOlderThanTheWatermark() {
        assertFatal("chain_gap", () -> chain.admit(standbyAt(10), at(4, createsNode(15, 8, "a"))))
                .hasMessageContaining("the log forks").hasMessageContaining("already applied commit 10");
    }

    @Test
    void requiresTheFirstEventOnAFreshStandbyToStartTheLog() {
        assertThat(chain.admit(NOT_BOOTSTRAPPED, at(0, createsNode(3, 0, "a")))).isEqualTo(Decision.APPLY);
        assertFatal("chain_gap", () -> chain.admit(NOT_BOOTSTRAPPED, at(0, createsNode(9, 8, "a"))))
                .hasMessageContaining("standby has no watermark").hasMessageContaining("must be bootstrapped first");
    }

    @Test
    void skipsExactlyTheOperatorsCommitWhenItIsNextAndRefusesItOtherwise() {
        CommitChain skipping = new CommitChain(OptionalLong.of(12));
        assertThat(skipping.admit(standbyAt(10), at(4, createsNode(12, 10, "a")))).isEqualTo(Decision.OPERATOR_SKIP);
        assertThat(skipping.admit(standbyAt(12), at(5, createsNode(13, 12, "a")))).isEqualTo(Decision.APPLY);
        assertFatal("skip_refused", () -> skipping.admit(standbyAt(9), at(4, createsNode(12, 10, "a"))))
                .hasMessageContaining("skip.commit.id=12 refused").hasMessageContaining("not the next one");
    }

    @Test
    void stopsAtAGapEventNamingTheRangeAndReasonUnlessTheOperatorSkipsExactlyIt() {
        TransactionEvent gap = TransactionEvent.gapEvent(10, 1L, "dc1", 1, "neo4j",
                new CaptureGap(11, 14, "committed while capture was not running"));
        assertFatal("capture_gap", () -> chain.admit(standbyAt(10), at(4, gap)))
                .hasMessageContaining("commit ids 11..14 (committed while capture was not running)")
                .hasMessageContaining("offset 4").hasMessageContaining("skip.commit.id=14");
        assertThat(new CommitChain(OptionalLong.of(14)).admit(standbyAt(10), at(4, gap)))
                .isEqualTo(Decision.OPERATOR_SKIP);
        assertThat(chain.admit(standbyAt(14), at(4, gap))).as("redelivered after a skip").isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(standbyAt(14), at(5, createsNode(15, 14, "a")))).isEqualTo(Decision.APPLY);
    }

    @Test
    void stopsOnAnUndecodableRecordNamingItsOffsetAndCommitIdUnlessTheOperatorSkipsIt() {
        LogItem.Undecodable poison = undecodable(12, 41);
        assertFatal("decode", () -> chain.admit(standbyAt(10), poison)).hasMessageContaining("offset 41")
                .hasMessageContaining("commit id 12").hasMessageContaining("bad varint").hasMessageContaining("skip.commit.id=12");
        CommitChain skipping = new CommitChain(OptionalLong.of(12));
        assertThat(skipping.admit(standbyAt(10), poison)).isEqualTo(Decision.OPERATOR_SKIP);
        assertThat(skipping.admit(standbyAt(12), poison)).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(standbyAt(12), poison)).as("a further chunk after the skip, key removed")
                .isEqualTo(Decision.ALREADY_APPLIED);
        assertThatThrownBy(() -> skipping.admit(NOT_BOOTSTRAPPED, new LogItem.Undecodable(OptionalLong.empty(),
                poison.position(), poison.error()))).as("an unreadable key cannot be skipped").hasMessageContaining("<id>");
    }

    @Test
    void passesOverAFragmentOfACommitTheWatermarkCoversAndOtherwiseStopsUnlessTheOperatorSkipsIt() {
        LogItem.Fragment fragment = fragment(12, 42);

        assertThat(chain.admit(standbyAt(12), fragment)).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(standbyAt(15), fragment)).isEqualTo(Decision.ALREADY_APPLIED);
        assertFatal("chunk_sequence", () -> chain.admit(standbyAt(10), fragment))
                .hasMessageContaining("offset 42, commit 12").hasMessageContaining("without chunks 0..1")
                .hasMessageContaining("skip.commit.id=12");
        assertThat(new CommitChain(OptionalLong.of(12)).admit(standbyAt(10), fragment)).isEqualTo(Decision.OPERATOR_SKIP);
    }

    @Test
    void limitsTheOperatorsSkipToTheEpochTheStandbyWasInWhenTheApplierStarted() {
        CommitChain skipping = new CommitChain(OptionalLong.of(12)).skippingOnlyInEpoch(1);

        assertThat(skipping.admit(standbyAt(1, 10, 3), at(4, createsNode(1, 12, 10, "a"))))
                .isEqualTo(Decision.OPERATOR_SKIP);
        assertThat(skipping.admit(standbyAt(2, 10, 20), at(21, createsNode(2, 12, 10, "a"))))
                .as("the same commit id in a later epoch is another transaction").isEqualTo(Decision.APPLY);
        assertFatal("decode", () -> skipping.admit(standbyAt(2, 10, 20), undecodable(12, 21)));
        assertFatal("chunk_sequence", () -> skipping.admit(standbyAt(2, 10, 20), fragment(12, 21)));
        assertThat(skipping.admit(standbyAt(1, 10, 20), undecodable(12, 21))).isEqualTo(Decision.OPERATOR_SKIP);
    }

    // ------------------------------------------------------------------ epoch starts

    @Test
    void appliesTheNewPrimarysEventsAfterAnEpochStartAlthoughTheirCommitIdsAreLowerThanTheOldPrimarys() {
        Optional<AppliedPosition> w = standbyAt(0, 120, 10);
        LogItem start = at(11, epochStart(1, 57, 0, 120));
        LogItem first = at(12, createsNode(1, 60, 57, "x"));
        LogItem second = at(13, createsNode(1, 61, 60, "y"));

        assertThat(chain.admit(w, start)).isEqualTo(Decision.APPLY);
        Optional<AppliedPosition> afterStart = Optional.of(CommitChain.after(w, start));
        assertThat(afterStart.get().chain()).isEqualTo(new ChainPosition(1, 57));
        assertThat(afterStart.get().log().offset()).isEqualTo(11);
        assertThat(chain.admit(afterStart, first)).as("not dropped as already applied").isEqualTo(Decision.APPLY);
        Optional<AppliedPosition> afterFirst = Optional.of(CommitChain.after(afterStart, first));
        assertThat(chain.admit(afterFirst, second)).isEqualTo(Decision.APPLY);
        assertThat(CommitChain.after(afterFirst, second).chain()).isEqualTo(new ChainPosition(1, 61));
    }

    @Test
    void passesOverARedeliveredEpochStartWhetherTheStandbyIsAtItOrPastItInTheLog() {
        LogItem start = at(11, epochStart(1, 57, 0, 120));

        assertThat(chain.admit(standbyAt(1, 57, 11), start)).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(standbyAt(1, 61, 13), start)).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(standbyAt(2, 5, 40), start)).as("two epochs later, behind in the log")
                .isEqualTo(Decision.ALREADY_APPLIED);
    }

    @Test
    void stopsAtAnEpochStartWhenTheStandbyIsBehindInTheOldEpochNamingTheMissingCommits() {
        assertFatal("epoch_link", () -> chain.admit(standbyAt(0, 118, 9), at(812, epochStart(1, 57, 0, 120))))
                .hasMessageContaining("epoch 1 starts at topic ha4neo.test.neo4j partition 0 offset 812 after "
                        + "(epoch 0, commit 120), but this standby is at (epoch 0, commit 118) (offset 9)")
                .hasMessageContaining("behind").hasMessageContaining("missing commits (118, 120] of epoch 0");
    }

    @Test
    void stopsAtAnEpochStartWhenTheStandbyAppliedCommitsTheNewPrimaryNeverHad() {
        assertFatal("epoch_link", () -> chain.admit(standbyAt(0, 125, 15), at(16, epochStart(1, 57, 0, 120))))
                .hasMessageContaining("after (epoch 0, commit 120), but this standby is at (epoch 0, commit 125)")
                .hasMessageContaining("ahead").hasMessageContaining("commits (120, 125] of epoch 0")
                .hasMessageContaining("never had").hasMessageContaining("must be re-seeded");
    }

    @Test
    void stopsAtAnEpochStartThatFollowsAnotherEpochThanTheStandbys() {
        assertFatal("epoch_link", () -> chain.admit(standbyAt(1, 30, 15), at(16, epochStart(3, 9, 2, 120))))
                .hasMessageContaining("epoch 3 starts at").hasMessageContaining("after (epoch 2, commit 120)")
                .hasMessageContaining("this standby is at (epoch 1, commit 30)").hasMessageContaining("in epoch 1")
                .hasMessageContaining("start of epoch 2 was never applied");
        assertFatal("epoch_link", () -> chain.admit(standbyAt(2, 30, 15), at(16, epochStart(3, 9, 1, 120))))
                .hasMessageContaining("this standby is at (epoch 2, commit 30)")
                .hasMessageContaining("an epoch the new primary never had");
    }

    @Test
    void stopsAtASecondStartOfTheEpochTheStandbyIsIn() {
        assertFatal("epoch_link", () -> chain.admit(standbyAt(1, 61, 13), at(14, epochStart(1, 70, 0, 125))))
                .hasMessageContaining("started a second time");
    }

    @Test
    void neverAppliesTheOperatorsSkipToAnEpochStart() {
        CommitChain skipping = new CommitChain(OptionalLong.of(57));
        LogItem start = at(11, epochStart(1, 57, 0, 120));

        assertThat(skipping.admit(standbyAt(0, 120, 10), start)).isEqualTo(Decision.APPLY);
        assertFatal("epoch_link", () -> skipping.admit(standbyAt(0, 118, 10), start))
                .hasMessageContaining("skip.commit.id never applies to an epoch start");
    }

    @Test
    void requiresABootstrappedStandbyForAnEpochStart() {
        assertFatal("chain_gap", () -> chain.admit(NOT_BOOTSTRAPPED, at(0, epochStart(1, 57, 0, 120))))
                .hasMessageContaining("standby has no watermark").hasMessageContaining("start of epoch 1")
                .hasMessageContaining("must be bootstrapped first");
    }

    // ------------------------------------------------------------------ other epochs

    @Test
    void passesOverAnOlderEpochsEventBehindTheStandbyInTheLogAndStopsAtOneAfterIt() {
        Optional<AppliedPosition> w = standbyAt(1, 57, 11);

        assertThat(chain.admit(w, at(10, createsNode(0, 120, 119, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(w, at(9, createsNode(0, 121, 120, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
        assertFatal("stale_epoch", () -> chain.admit(w, at(12, createsNode(0, 121, 120, "a"))))
                .hasMessageContaining("an event of epoch 0 at topic ha4neo.test.neo4j partition 0 offset 12")
                .hasMessageContaining("after this standby reached (epoch 1, commit 57) at offset 11")
                .hasMessageContaining("a primary that was fenced published after the handover");
    }

    @Test
    void passingAnEpochStartRemembersWhereThePreviousEpochEndedAndLaterItemsKeepIt() {
        LogItem start = at(11, epochStart(1, 57, 0, 120));
        AppliedPosition afterStart = CommitChain.after(standbyAt(0, 120, 10), start);
        AppliedPosition afterNext = CommitChain.after(Optional.of(afterStart), at(12, createsNode(1, 60, 57, "x")));
        AppliedPosition afterSecond = CommitChain.after(Optional.of(afterNext), at(30, epochStart(2, 9, 1, 60)));

        assertThat(afterStart.epochEnds()).containsExactly(java.util.Map.entry(0L, 120L));
        assertThat(afterNext.epochEnds()).containsExactly(java.util.Map.entry(0L, 120L));
        assertThat(afterSecond.epochEnds()).containsExactly(java.util.Map.entry(0L, 120L),
                java.util.Map.entry(1L, 60L));
    }

    @Test
    void aRedeliveryAcrossAnEpochChangeLaterInTheLogIsPassedOverByTheEpochsRememberedEnd() {
        // MirrorMaker 2 copied epoch 0's tail and epoch 1's start again after a crash: later in zone B's log
        Optional<AppliedPosition> w = Optional.of(CommitChain.after(standbyAt(0, 120, 10),
                at(11, epochStart(1, 57, 0, 120))))
                .map(p -> CommitChain.after(Optional.of(p), at(13, createsNode(1, 61, 57, "y"))));

        assertThat(chain.admit(w, at(20, createsNode(0, 119, 118, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(w, at(21, createsNode(0, 120, 119, "a")))).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(w, at(22, epochStart(1, 57, 0, 120)))).as("this epoch's own start, again")
                .isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(w, at(23, createsNode(1, 60, 57, "x")))).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(chain.admit(w, at(24, createsNode(1, 62, 61, "z")))).isEqualTo(Decision.APPLY);
        assertFatal("stale_epoch", () -> chain.admit(w, at(25, createsNode(0, 121, 120, "a"))))
                .hasMessageContaining("a primary that was fenced published after the handover");
        assertFatal("epoch_link", () -> chain.admit(w, at(26, epochStart(1, 57, 0, 118))))
                .as("the same epoch number linked elsewhere: another primary's claim, not a redelivery");
    }

    @Test
    void withoutARememberedEndAnOlderEpochsEventAfterTheStandbyIsStillAFencedPrimarys() {
        Optional<AppliedPosition> w = standbyAt(1, 61, 13); // a watermark written before epoch ends were kept

        assertFatal("stale_epoch", () -> chain.admit(w, at(20, createsNode(0, 119, 118, "a"))));
        assertFatal("epoch_link", () -> chain.admit(w, at(22, epochStart(1, 57, 0, 120))));
    }

    @Test
    void passesOverAnOlderEpochsEventOnlyInTheSameTopicAndPartition() {
        Optional<AppliedPosition> w = Optional.of(new AppliedPosition(new ChainPosition(1, 57),
                new LogPosition("other.topic", 0, 11)));

        assertFatal("stale_epoch", () -> chain.admit(w, at(10, createsNode(0, 120, 119, "a"))));
    }

    @Test
    void stopsAtAnEventOfANewerEpochThatNoEpochStartLinksToTheStandby() {
        assertFatal("epoch_link", () -> chain.admit(standbyAt(0, 120, 10), at(11, createsNode(1, 60, 57, "x"))))
                .hasMessageContaining("an event of epoch 1 at topic ha4neo.test.neo4j partition 0 offset 11, "
                        + "(epoch 1, commit 60) after (epoch 1, commit 57)")
                .hasMessageContaining("this standby is at (epoch 0, commit 120) at offset 10")
                .hasMessageContaining("no epoch start links them");
    }

    // ------------------------------------------------------------------ items without an epoch

    @Test
    void judgesAnUndecodableRecordAfterTheStandbysOffsetByTheCommitIdsOfTheStandbysEpoch() {
        Optional<AppliedPosition> w = standbyAt(1, 57, 11);

        assertThat(chain.admit(w, undecodable(57, 12))).as("a further chunk of the commit the standby is at")
                .isEqualTo(Decision.ALREADY_APPLIED);
        assertFatal("decode", () -> chain.admit(w, undecodable(60, 12)))
                .hasMessageContaining("commit 57 (epoch 1)");
        assertThat(new CommitChain(OptionalLong.of(60)).admit(w, undecodable(60, 12))).isEqualTo(Decision.OPERATOR_SKIP);
        assertFatal("chunk_sequence", () -> chain.admit(w, fragment(60, 12)));
    }

    @Test
    void passesOverAnUndecodableRecordOrFragmentBehindTheStandbyInTheLogWhateverItsCommitId() {
        Optional<AppliedPosition> w = standbyAt(1, 57, 11); // commit 130 of epoch 0 was read before the epoch start

        assertThat(chain.admit(w, undecodable(130, 9))).isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(new CommitChain(OptionalLong.of(130)).admit(w, undecodable(130, 9)))
                .as("never a skip behind the watermark").isEqualTo(Decision.ALREADY_APPLIED);
        assertThat(new CommitChain(OptionalLong.of(130)).admit(w, fragment(130, 9))).isEqualTo(Decision.ALREADY_APPLIED);
    }

    @Test
    void anOperatorSkipOfAnUndecodableRecordKeepsTheStandbysEpoch() {
        Optional<AppliedPosition> w = standbyAt(3, 57, 11);

        AppliedPosition after = CommitChain.after(w, undecodable(60, 12));

        assertThat(after.chain()).isEqualTo(new ChainPosition(3, 60));
        assertThat(after.log().offset()).isEqualTo(12);
    }

    private static LogItem.Undecodable undecodable(long commitId, long offset) {
        return new LogItem.Undecodable(OptionalLong.of(commitId), new LogPosition(Events.TOPIC, 0, offset),
                new DecodeException(DecodeException.Reason.CORRUPT, "bad varint at byte 7"));
    }

    private static LogItem.Fragment fragment(long commitId, long offset) {
        return new LogItem.Fragment(commitId, new LogPosition(Events.TOPIC, 0, offset), "chunk 2 of 3 of commit "
                + commitId + " was read without chunks 0..1 before it");
    }
}
