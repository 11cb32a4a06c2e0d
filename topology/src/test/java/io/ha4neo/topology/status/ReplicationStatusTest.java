package io.ha4neo.topology.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationStatusTest {
    private static ReplicationStatus status(Long committed, Long applied, Long offset, Long endOffset) {
        return new ReplicationStatus(committed, null, null, null, applied, 1_000L, 1_250L, offset, endOffset, List.of());
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
    void applyDelayIsAppliedAtMinusSourceCommitTime() {
        assertThat(status(null, null, null, null).lastApplyDelayMillis()).isEqualTo(250L);
    }
}
