package io.ha4neo.applier.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApplierStatusTest {
    @Test
    void allowsOnlyDeclaredStateTransitions() {
        ApplierStatus status = new ApplierStatus(s -> { });
        status.moveTo(ApplierState.POSITIONING, "assigned");
        status.moveTo(ApplierState.CAUGHT_UP, "done");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> status.moveTo(ApplierState.STARTING, "no"))
                .hasMessageContaining("CAUGHT_UP -> STARTING");
        status.moveTo(ApplierState.PAUSED, "member is primary");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> status.moveTo(ApplierState.APPLYING, "no"))
                .as("back through positioning only").hasMessageContaining("PAUSED -> APPLYING");
        status.moveTo(ApplierState.POSITIONING, "member is a standby again");
        status.moveTo(ApplierState.STOPPED, "bye");
        assertThat(ApplierState.STOPPED.allowedNext()).isEmpty();
    }

    @Test
    void onlyTheMovesBetweenApplyingAndCaughtUpAreRoutine() {
        for (ApplierState from : ApplierState.values()) {
            for (ApplierState to : ApplierState.values()) {
                boolean expected = from != to && java.util.Set.of(ApplierState.APPLYING, ApplierState.CAUGHT_UP)
                        .containsAll(java.util.List.of(from, to));
                assertThat(ApplierStatus.isRoutine(from, to)).as(from + " -> " + to).isEqualTo(expected);
            }
        }
    }
}
