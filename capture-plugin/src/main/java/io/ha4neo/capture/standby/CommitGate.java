package io.ha4neo.capture.standby;

import java.util.concurrent.TimeoutException;

/**
 * Makes role changes atomic with respect to commits. Every write transaction enters the gate in beforeCommit and
 * leaves it in afterCommit/afterRollback; a role change closes the gate, waits until no transaction is between
 * those points, switches, and reopens it. So a transaction that was allowed under the old role has finished
 * committing before the new role takes effect, and no transaction checks its role during the switch.
 *
 * <p>Not a thread-owned lock: Neo4j calls before and after on the same thread, but a counter keeps the gate
 * correct even if it did not.
 */
public final class CommitGate {
    private int inFlight;
    private boolean closed;

    /** Enters, waiting while a role change is in progress. */
    public synchronized void enter() throws InterruptedException {
        while (closed) {
            wait();
        }
        inFlight++;
    }

    /** Leaves; wakes a waiting role change when the last transaction leaves. */
    public synchronized void leave() {
        if (inFlight > 0) {
            inFlight--;
        }
        notifyAll();
    }

    /** Closes the gate and waits for in-flight commits to finish, then runs {@code change} and reopens. */
    public void exclusively(long timeoutMillis, Runnable change) throws InterruptedException, TimeoutException {
        synchronized (this) {
            while (closed) {
                wait();
            }
            closed = true;
            try {
                long deadline = System.currentTimeMillis() + timeoutMillis;
                while (inFlight > 0) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        throw new TimeoutException(inFlight + " transaction(s) were still committing after "
                                + timeoutMillis + " ms; the role was not changed");
                    }
                    wait(left);
                }
                change.run();
            } finally {
                closed = false;
                notifyAll();
            }
        }
    }

    /** Transactions currently between beforeCommit and afterCommit. */
    public synchronized int inFlight() {
        return inFlight;
    }
}
