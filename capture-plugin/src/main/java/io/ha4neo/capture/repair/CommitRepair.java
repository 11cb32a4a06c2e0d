package io.ha4neo.capture.repair;

/**
 * Rebuilds commits that capture missed from Neo4j's own transaction log and the store (issue 15). The kernel-side
 * implementation is {@code io.ha4neo.capture.LogRepair}; capture asks it at start-up, before the database accepts
 * client writes, for the range between the last commit it accounted for and Neo4j's last commit.
 */
@FunctionalInterface
public interface CommitRepair {
    /** A repair that is never possible: every missing range stays a gap (tests, and stores without a readable log). */
    CommitRepair NONE = (first, last) -> {
        throw new RepairRefusedException("commit ids " + first + ".." + last + " cannot be repaired: no transaction "
                + "log reader is configured", null);
    };

    /**
     * The effect of commits {@code first..last}, as of the store now.
     *
     * @throws RepairRefusedException when the range cannot be repaired; its message says why (range pruned from the
     *         log with the retention setting, unsupported Neo4j version, unreadable log, a schema change in the range)
     *         and names {@code bootstrap} where that is the way out
     */
    RepairContent repair(long first, long last) throws RepairRefusedException;
}
