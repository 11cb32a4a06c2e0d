package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GapLogTest {
    @TempDir
    Path dir;

    @Test
    void gapsSurviveReopeningTheLog() {
        Path file = dir.resolve("spool").resolve("gaps.log");
        GapLog log = new GapLog(file);
        log.record(5, 7, "committed while capture was not running");
        log.record(12, 12, "cannot encode the transaction");

        GapLog reopened = new GapLog(file);

        assertThat(reopened.gaps()).extracting(GapLog.Gap::first, GapLog.Gap::last, GapLog.Gap::reason)
                .containsExactly(
                        tuple(5L, 7L, "committed while capture was not running"),
                        tuple(12L, 12L, "cannot encode the transaction"));
        assertThat(reopened.gaps().get(0).detectedAt()).isEqualTo(log.gaps().get(0).detectedAt());
    }

    @Test
    void aReasonWithTabsOrNewlinesStaysOneGapOnOneLine() {
        Path file = dir.resolve("gaps.log");
        new GapLog(file).record(3, 3, "capture failed:\tjava.lang.IllegalStateException\n\tat Foo.bar");

        assertThat(new GapLog(file).gaps()).singleElement()
                .satisfies(g -> assertThat(g.reason()).isEqualTo("capture failed: java.lang.IllegalStateException  at Foo.bar"));
    }

    @Test
    void aGapNamesItsCommitIdsAndReason() {
        GapLog.Gap g = new GapLog(dir.resolve("gaps.log")).record(5, 7, "lost");

        assertThat(g.toString()).startsWith("commit ids 5..7: lost (detected ");
    }
}
