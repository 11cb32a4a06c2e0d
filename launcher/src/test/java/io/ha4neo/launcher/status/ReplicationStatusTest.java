package io.ha4neo.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationStatusTest {
    private static ReplicationStatus status(Long committed, Long applied, Long offset, Long endOffset) {
        return status(committed, null, applied, offset, endOffset, null);
    }

    private static ReplicationStatus status(Long committed, Long lastEvent, Long applied, Long offset, Long endOffset,
                                            Long groupOffset) {
        return status(0L, 0L, committed, lastEvent, applied, offset, endOffset, groupOffset);
    }

    private static ReplicationStatus status(Long primaryEpoch, Long standbyEpoch, Long committed, Long lastEvent,
                                            Long applied, Long offset, Long endOffset, Long groupOffset) {
        return new ReplicationStatus("a", "b", primaryEpoch, standbyEpoch, committed, null, lastEvent, null, null,
                applied, 1_000L, 1_250L, offset, endOffset, groupOffset, List.of());
    }

    @Test
    void lagInCommitsIsPrimaryMinusStandbyAndUnknownWhenEitherSideIsUnknown() {
        assertThat(status(42L, 40L, null, null).lagCommits()).isEqualTo(2L);
        assertThat(status(null, 40L, null, null).lagCommits()).isNull();
        assertThat(status(42L, null, null, null).lagCommits()).isNull();
    }

    @Test
    void lagInRecordsCountsRecordsAfterTheWatermarkOffset() {
        assertThat(status(null, null, 9L, 10L).lagRecords()).isZero();
        assertThat(status(null, null, 4L, 10L).lagRecords()).isEqualTo(5L);
        assertThat(status(null, null, null, 10L).lagRecords()).isEqualTo(10L);
        assertThat(status(null, null, 4L, null).lagRecords()).isNull();
    }

    @Test
    void lagInCommitsIsMeasuredFromThePrimarysLastReplicatedEventNotItsLastTokenTransaction() {
        assertThat(status(45L, 40L, 40L, null, null, null).lagCommits()).isZero();
        assertThat(status(45L, 44L, 40L, null, null, null).lagCommits()).isEqualTo(4L);
    }

    @Test
    void lagInRecordsSkipsTheTransactionMarkerTheApplierGroupAlreadyCommittedPast() {
        assertThat(status(null, null, null, 14L, 16L, 16L).lagRecords()).isZero();
        assertThat(status(null, null, null, 14L, 16L, null).lagRecords()).isEqualTo(1L);
        assertThat(status(null, null, null, 9L, 20L, 3L).lagRecords()).isEqualTo(10L);
    }

    @Test
    void aStandbyThatHasNotReachedThePrimarysEpochHasNoLagInCommits() {
        assertThat(status(1L, 0L, 45L, 44L, 40L, null, null, null).lagCommits())
                .as("commit ids of epoch 0 (the old primary's store) and 1 (the new one's) are not comparable")
                .isNull();
        assertThat(status(1L, 1L, 45L, 44L, 40L, null, null, null).lagCommits()).isEqualTo(4L);
        assertThat(status(1L, null, 45L, 44L, 40L, null, null, null).lagCommits()).as("a watermark without epoch")
                .isEqualTo(4L);
    }

    @Test
    void theLineNamesTheMembersThatHaveTheRolesNow() {
        assertThat(status(1L, 1L, 45L, 44L, 40L, 9L, 12L, 12L).toLine()).isEqualTo("primary a commit 45 | published - "
                + "| topic end 12 | standby b applied 40 (offset 9) | lag 4 commits, 0 records");
        assertThat(status(1L, 1L, 45L, 44L, 40L, 9L, 12L, 12L).toMap()).containsEntry("primary", "a")
                .containsEntry("standby", "b").containsEntry("primaryEpoch", 1L);
    }

    @Test
    void applyDelayIsAppliedAtMinusSourceCommitTime() {
        assertThat(status(null, null, null, null).lastApplyDelayMillis()).isEqualTo(250L);
    }
}
