package io.ha4neo.capture.txlog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetentionCheckTest {
    private static final long GIB = 1L << 30;
    private static final long ROTATION = 256L << 20;

    @Test
    void neo4jsDefaultAndKeepingEverythingCoverARepair() {
        assertThat(RetentionCheck.check("2 days", ROTATION, GIB)).isEmpty();
        assertThat(RetentionCheck.check("true", ROTATION, GIB)).isEmpty();
        assertThat(RetentionCheck.check("keep_all", ROTATION, GIB)).isEmpty();
        assertThat(RetentionCheck.check("24 hours", ROTATION, GIB)).isEmpty();
    }

    @Test
    void aRetentionBySizeOrFilesMustHoldWhatTheSpoolMayHold() {
        assertThat(RetentionCheck.check("4 files", ROTATION, GIB)).as("4 × 256 MiB = 1 GiB").isEmpty();
        assertThat(RetentionCheck.check("3 files", ROTATION, GIB)).get().asString()
                .contains("db.tx_log.rotation.retention_policy=3 files").contains("ha4neo.spool.max.bytes")
                .contains("bootstrap").contains("Recommended");
        assertThat(RetentionCheck.check("1G size", ROTATION, GIB)).isEmpty();
        assertThat(RetentionCheck.check("100M size", ROTATION, GIB)).isPresent();
        assertThat(RetentionCheck.check("20000000 txs", ROTATION, GIB)).isEmpty();
        assertThat(RetentionCheck.check("1000 txs", ROTATION, GIB)).isPresent();
    }

    @Test
    void aShortTimeKeepingOnlyTheNewestFileAndUnknownFormsAreWarned() {
        assertThat(RetentionCheck.check("6 hours", ROTATION, GIB)).get().asString().contains("only 6 hours");
        assertThat(RetentionCheck.check("false", ROTATION, GIB)).get().asString().contains("only the newest");
        assertThat(RetentionCheck.check("keep_none", ROTATION, GIB)).isPresent();
        assertThat(RetentionCheck.check("lots", ROTATION, GIB)).get().asString().contains("does not know");
    }
}
