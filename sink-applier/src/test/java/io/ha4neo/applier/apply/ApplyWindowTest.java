package io.ha4neo.applier.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.schemas.event.TransactionEvent;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ApplyWindowTest {
    private static final long NOW = Instant.parse("2026-12-02T12:00:00Z").toEpochMilli();

    @Test
    void anOpenWindowAdmitsEverything() {
        List<LogItem> items = List.of(item(Events.createsNode(1, 0, "a")), item(Events.createsNode(2, 1, "b")));

        assertThat(ApplyWindow.NONE.isOpen()).isTrue();
        assertThat(ApplyWindow.NONE.admitted(items, NOW)).isEqualTo(2);
        assertThat(ApplyWindow.NONE.describe()).isEqualTo("no point-in-time window");
    }

    @Test
    void untilACommitIdAdmitsItAndHoldsAtTheNextOne() {
        ApplyWindow w = new ApplyWindow(OptionalLong.of(2), OptionalLong.empty(), OptionalLong.empty(), 0);
        List<LogItem> items = List.of(item(Events.createsNode(1, 0, "a")), item(Events.createsNode(2, 1, "b")),
                item(Events.createsNode(3, 2, "c")));

        assertThat(w.admitted(items, NOW)).isEqualTo(2);
        ApplyWindow.Verdict v = w.verdict(items.get(2), NOW);
        assertThat(v.kind()).isEqualTo(ApplyWindow.Kind.HOLD);
        assertThat(v.reason()).isEqualTo("commit 3 (epoch 1) is past apply.until.commit.id 2");
        assertThat(w.describe()).isEqualTo("holds after commit 2 (any epoch)");
    }

    @Test
    void withAnEpochALaterEpochIsPastItWhateverItsCommitIdAndAnEarlierOneIsBefore() {
        ApplyWindow w = new ApplyWindow(OptionalLong.of(50), OptionalLong.of(1), OptionalLong.empty(), 0);

        assertThat(w.verdict(item(Events.createsNode(2, 7, 6, "x")), NOW).kind()).isEqualTo(ApplyWindow.Kind.HOLD);
        assertThat(w.verdict(item(Events.createsNode(0, 900, 899, "y")), NOW).kind()).isEqualTo(ApplyWindow.Kind.APPLY);
        assertThat(w.verdict(item(Events.createsNode(1, 50, 49, "z")), NOW).kind()).isEqualTo(ApplyWindow.Kind.APPLY);
        assertThat(w.verdict(item(Events.createsNode(1, 51, 50, "z")), NOW).reason())
                .isEqualTo("commit 51 (epoch 1) is past apply.until.commit.id 50 of epoch 1");
    }

    @Test
    void untilACommitTimeHoldsAtTheFirstTransactionCommittedAfterIt() {
        ApplyWindow w = new ApplyWindow(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(NOW), 0);

        assertThat(w.verdict(item(at(1, NOW)), NOW).kind()).isEqualTo(ApplyWindow.Kind.APPLY);
        ApplyWindow.Verdict v = w.verdict(item(at(2, NOW + 1)), NOW);
        assertThat(v.kind()).isEqualTo(ApplyWindow.Kind.HOLD);
        assertThat(v.reason()).isEqualTo("commit 2 (epoch 1) was committed at 2026-12-02T12:00:00.001Z, after "
                + "apply.until.commit.time 2026-12-02T12:00:00Z");
    }

    @Test
    void aDelayMakesATransactionWaitUntilItsCommitTimePlusTheDelay() {
        ApplyWindow w = new ApplyWindow(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), 30_000);
        List<LogItem> items = List.of(item(at(1, NOW - 40_000)), item(at(2, NOW - 10_000)), item(at(3, NOW - 50_000)));

        assertThat(w.admitted(items, NOW)).as("the second is 10 s old: it waits, and so does all after it").isEqualTo(1);
        ApplyWindow.Verdict v = w.verdict(items.get(1), NOW);
        assertThat(v.kind()).isEqualTo(ApplyWindow.Kind.WAIT);
        assertThat(v.notBeforeMillis()).isEqualTo(NOW + 20_000);
        assertThat(w.admitted(items, NOW + 20_000)).isEqualTo(3);
        assertThat(w.describe()).isEqualTo("applies each commit 30000 ms after it was committed");
    }

    @Test
    void itemsWithoutAnEventAreLeftToTheChainRule() {
        ApplyWindow w = new ApplyWindow(OptionalLong.of(0), OptionalLong.empty(), OptionalLong.empty(), 1_000);
        LogItem fragment = new LogItem.Fragment(9, new LogPosition(Events.TOPIC, 0, 3), "broken");

        assertThat(w.verdict(fragment, NOW).kind()).isEqualTo(ApplyWindow.Kind.APPLY);
    }

    @Test
    void anEpochWithoutACommitIdOrANegativeDelayIsRefused() {
        assertThatThrownBy(() -> new ApplyWindow(OptionalLong.empty(), OptionalLong.of(1), OptionalLong.empty(), 0))
                .hasMessage("an until epoch needs an until commit id");
        assertThatThrownBy(() -> new ApplyWindow(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), -1))
                .hasMessage("a delay cannot be negative: -1");
    }

    private static TransactionEvent at(long commitId, long commitTimeMillis) {
        TransactionEvent.Builder b = Events.tx(commitId, commitId - 1).commitTime(commitTimeMillis);
        b.createdNodes.add(Events.node("n" + commitId, List.of("Person"), java.util.Map.of()));
        return b.build();
    }

    private static LogItem item(TransactionEvent e) {
        return new LogItem.Transaction(e, new LogPosition(Events.TOPIC, 0, e.commitId()));
    }
}
