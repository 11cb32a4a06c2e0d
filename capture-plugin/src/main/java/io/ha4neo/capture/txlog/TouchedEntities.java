package io.ha4neo.capture.txlog;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a range of commits touched, one {@link TouchedTransaction} per commit id in order. The unions are what a
 * repair re-images: every node and relationship created, changed or deleted anywhere in the range, whose state now
 * (or absence) is the state after the range's last commit.
 *
 * @param first        the range's first commit id
 * @param last         the range's last commit id
 * @param transactions one per id in {@code first..last}, in commit order
 */
public record TouchedEntities(long first, long last, List<TouchedTransaction> transactions) {
    public TouchedEntities {
        transactions = List.copyOf(transactions);
        if (transactions.size() != last - first + 1) {
            throw new IllegalArgumentException("commits " + first + ".." + last + " need " + (last - first + 1)
                    + " transactions, got " + transactions.size());
        }
        for (int i = 0; i < transactions.size(); i++) {
            if (transactions.get(i).commitId() != first + i) {
                throw new IllegalArgumentException("transaction " + i + " of " + first + ".." + last + " has commit id "
                        + transactions.get(i).commitId() + ", expected " + (first + i));
            }
        }
    }

    /** The transaction with {@code commitId}, which must be in the range. */
    public TouchedTransaction transaction(long commitId) {
        if (commitId < first || commitId > last) {
            throw new IllegalArgumentException("commit id " + commitId + " is outside " + first + ".." + last);
        }
        return transactions.get((int) (commitId - first));
    }

    /** Every node any commit in the range created, changed or deleted (relinked-only nodes excluded). */
    public SortedSet<Long> nodeIds() {
        SortedSet<Long> ids = new TreeSet<>();
        transactions.forEach(t -> ids.addAll(t.nodes().keySet()));
        return ids;
    }

    /** Every relationship any commit in the range created, changed or deleted (relinked-only ones excluded). */
    public SortedSet<Long> relationshipIds() {
        SortedSet<Long> ids = new TreeSet<>();
        transactions.forEach(t -> ids.addAll(t.relationships().keySet()));
        return ids;
    }

    /** Whether any commit in the range created a token. */
    public boolean anyTokens() {
        return transactions.stream().anyMatch(TouchedTransaction::tokens);
    }

    /** Whether any commit in the range changed the schema. */
    public boolean anySchema() {
        return transactions.stream().anyMatch(TouchedTransaction::schema);
    }
}
