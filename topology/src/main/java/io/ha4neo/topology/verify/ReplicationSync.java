package io.ha4neo.topology.verify;

import io.ha4neo.schemas.event.ChainPosition;

/**
 * How verify lines the standby up with what it read on the primary: the primary's position, then a wait until the
 * standby has applied it ({@code ha4neo.bookmark} and {@code ha4neo.awaitCommit}). Whatever the primary committed
 * before the bookmark is visible on the standby after the wait, so an entity that did not change meanwhile reads the
 * same on both.
 */
public interface ReplicationSync {
    /** {@code CALL ha4neo.bookmark()} on the primary: a position covering everything committed before the call. */
    ChainPosition bookmark();

    /** {@code CALL ha4neo.awaitCommit} on the standby for {@code position}: the commit id it has applied. */
    long awaitApplied(ChainPosition position);
}
