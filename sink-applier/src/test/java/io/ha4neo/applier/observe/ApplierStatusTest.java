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
        status.moveTo(ApplierState.STOPPED, "bye");
        assertThat(ApplierState.STOPPED.allowedNext()).isEmpty();
    }
}
