package io.ha4neo.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.topology.handover.HandoverReport;
import io.ha4neo.topology.handover.HandoverText;
import io.ha4neo.topology.handover.Outcome;
import org.junit.jupiter.api.Test;

class StackSwitchoverTest {
    /** What {@code ha4neo switchover --json} prints, as the ops CLI's unit tests produce it. */
    private static final String REPORT = """
            {"operation":"switchover","outcome":"DONE","from":"a","to":"b","previousEpoch":0,"epoch":1,
             "handoverCommitId":42,"handoverOffset":57,"rpoCommits":0,"rpo":"0 commits: b applied commit 42 of the \
            handover point (epoch 0, commit 42)","rtoMillis":60,"promoteAttempts":1,
             "steps":[{"step":"freeze","member":"a","millis":10,"ok":true,"detail":"client writes refused"},
                      {"step":"promote","member":"b","millis":30,"ok":true,"detail":"primary of epoch 1"}],
             "summary":"switchover a -> b: epoch 0 -> 1 at (epoch 0, commit 42); RPO 0 commits; RTO 60 ms","error":null,
             "notes":[]}
            """;

    @Test
    void readsTheOpsClisJsonReportBackIntoTheRecordItPrints() {
        HandoverReport report = StackSwitchover.parse(REPORT);

        assertThat(report.outcome()).isEqualTo(Outcome.DONE);
        assertThat(report.from()).isEqualTo("a");
        assertThat(report.rtoMillis()).isEqualTo(60);
        assertThat(report.steps()).hasSize(2);
        assertThat(HandoverText.lines(report)).containsExactly("  freeze   a  10 ms  client writes refused",
                "  promote  b  30 ms  primary of epoch 1",
                "switchover a -> b: epoch 0 -> 1 at (epoch 0, commit 42); RPO 0 commits; RTO 60 ms");
    }
}
