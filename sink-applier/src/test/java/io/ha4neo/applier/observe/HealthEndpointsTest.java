package io.ha4neo.applier.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthEndpointsTest {
    @Test
    void isReadyOnlyWhenPositionedAndWithinTheLagLimit() {
        java.time.Duration max = java.time.Duration.ofSeconds(10);
        assertThat(HealthEndpoints.notReadyReason(ApplierState.CAUGHT_UP, "", 0, max)).isNull();
        assertThat(HealthEndpoints.notReadyReason(ApplierState.APPLYING, "", 12_000, max)).contains("lag 12000 ms");
        assertThat(HealthEndpoints.notReadyReason(ApplierState.RETRYING, "neo4j_unavailable: down", 0, max))
                .contains("RETRYING").contains("neo4j_unavailable");
        assertThat(HealthEndpoints.notReadyReason(ApplierState.PAUSED, "member is primary: this applier idles until "
                + "the member is a standby again", 0, max)).isEqualTo("state PAUSED: member is primary: this applier "
                + "idles until the member is a standby again");
    }
}
