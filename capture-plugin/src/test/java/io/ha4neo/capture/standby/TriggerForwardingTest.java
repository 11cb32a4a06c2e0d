package io.ha4neo.capture.standby;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.topology.Role;
import org.junit.jupiter.api.Test;

class TriggerForwardingTest {
    @Test
    void triggersFireForAPrimarysClientTransactions() {
        assertThat(TriggerForwarding.forward(Role.PRIMARY, false, false)).isTrue();
    }

    @Test
    void triggersNeverFireOnAStandbyOrAFencedMember() {
        for (Role role : new Role[] {Role.STANDBY, Role.FENCED}) {
            for (boolean own : new boolean[] {false, true}) {
                for (boolean tagged : new boolean[] {false, true}) {
                    assertThat(TriggerForwarding.forward(role, own, tagged)).as("%s own=%s tagged=%s", role, own, tagged)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void triggersNeverFireForThePluginsOwnWritesOrApplierTaggedTransactionsOnAPrimary() {
        assertThat(TriggerForwarding.forward(Role.PRIMARY, true, false)).isFalse();
        assertThat(TriggerForwarding.forward(Role.PRIMARY, false, true)).isFalse();
    }
}
