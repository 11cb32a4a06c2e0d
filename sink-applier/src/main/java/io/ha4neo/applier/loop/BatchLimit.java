package io.ha4neo.applier.loop;

/**
 * The batch limits in force. They start at {@code batch.max.transactions} and {@code batch.max.changes}; an error
 * that the same batch would hit again at its size (the standby's memory limit, a transaction timeout) halves them,
 * relative to the batch that failed and down to one transaction, so the retry makes progress instead of failing
 * forever; after {@link #RECOVER_AFTER} successful writes in a row they double again, up to the configured values.
 * Owned by the loop's thread.
 */
final class BatchLimit {
    /** Successful writes in a row before the limits double again. */
    static final int RECOVER_AFTER = 10;

    private final int maxTransactions;
    private final int maxChanges;
    private int transactions;
    private int changes;
    private int successes;

    BatchLimit(int maxTransactions, int maxChanges) {
        this.maxTransactions = maxTransactions;
        this.maxChanges = maxChanges;
        this.transactions = maxTransactions;
        this.changes = maxChanges;
    }

    int transactions() {
        return transactions;
    }

    int changes() {
        return changes;
    }

    /** True when a batch of this size is full. A single transaction always fills a batch limited to one. */
    boolean reached(int batchTransactions, int batchChanges) {
        return batchTransactions >= transactions || batchChanges >= changes;
    }

    /** A batch of this size failed for its size (0, 0: unknown size): the limits become half of it, at least 1. */
    void shrink(int failedTransactions, int failedChanges) {
        transactions = half(transactions, failedTransactions);
        changes = half(changes, failedChanges);
        successes = 0;
    }

    /**
     * A write succeeded; the limits double after a run of them, while they are below the configured ones.
     * Returns true when they changed.
     */
    boolean succeeded() {
        if (transactions == maxTransactions && changes == maxChanges || ++successes < RECOVER_AFTER) {
            return false;
        }
        transactions = (int) Math.min(maxTransactions, 2L * transactions);
        changes = (int) Math.min(maxChanges, 2L * changes);
        successes = 0;
        return true;
    }

    private static int half(int limit, int failed) {
        int base = failed > 0 ? Math.min(limit, failed) : limit;
        return Math.max(1, base / 2);
    }
}
