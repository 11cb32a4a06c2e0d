package io.ha4neo.capture.standby;

import io.ha4neo.schemas.topology.Role;

/**
 * Whether APOC's triggers may run for one transaction: only on a primary, only for the transactions capture publishes
 * as the primary's own. Pure, so the rule is unit-tested on its own ({@code TriggerForwardingTest}).
 *
 * <p>A standby's and a fenced member's transactions are the applier's (or the plugin's own undo of a divergent tail):
 * their content already holds every effect the primary's triggers had, so firing triggers again would apply them twice.
 * On a primary two kinds are skipped as well: the plugin's own writes ({@link WriteGuard#internally}, e.g. the
 * watermark a rejoining member writes while still primary), and transactions tagged as an applier's, which the guard
 * refuses on a primary anyway.
 */
public final class TriggerForwarding {
    private TriggerForwarding() {
    }

    /** True when APOC's trigger handler is called for this transaction (decided once, in beforeCommit). */
    public static boolean forward(Role role, boolean pluginOwnWrite, boolean applierTagged) {
        return role == Role.PRIMARY && !pluginOwnWrite && !applierTagged;
    }
}
