package io.ha4neo.topology.verify;

import io.ha4neo.schemas.event.ChainPosition;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bookmarks and awaitCommit in memory: every bookmark is the next commit id, and a wait applies the changes queued for
 * the standby so far (replication that catches up exactly when verify waits for it).
 */
final class FakeSync implements ReplicationSync {
    private final Deque<Runnable> pending = new ArrayDeque<>();
    private long commitId = 100;
    int bookmarks;
    int waits;

    /** A change that reaches the standby at the next wait. */
    void replicate(Runnable change) {
        pending.add(change);
    }

    @Override
    public ChainPosition bookmark() {
        bookmarks++;
        return new ChainPosition(0, ++commitId);
    }

    @Override
    public long awaitApplied(ChainPosition position) {
        waits++;
        while (!pending.isEmpty()) {
            pending.poll().run();
        }
        return position.commitId();
    }
}
