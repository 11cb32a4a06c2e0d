package io.ha4neo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write workload every step uses: small transactions {@code CREATE (:B {i: $i, s: $s})} with a run-wide unique
 * {@code i} and a 40-character {@code s} derived from it, and bulk transactions creating many {@code :Bulk} nodes.
 * Values are a pure function of {@code i}, so the physical-limit writer can write exactly the same changes.
 */
final class Workload {
    static final String SMALL_TX = "CREATE (:B {i: $i, s: $s})";
    static final String BULK_TX = "UNWIND range($from, $to) AS i CREATE (:Bulk {i: i, s: 'bulk-payload-' + toString(i)})";
    /** The best plain batched Cypher for the same changes as {@link #SMALL_TX}: one statement per batch. */
    static final String LIMIT_BATCH = "UNWIND $rows AS r CREATE (:B {i: r.i, s: r.s})";
    /** The same, with an identity property behind a uniqueness constraint, as the applier writes it. */
    static final String LIMIT_BATCH_WITH_IDENTITY = "UNWIND $rows AS r CREATE (:BI {id: r.id, i: r.i, s: r.s})";
    static final String IDENTITY_CONSTRAINT =
            "CREATE CONSTRAINT bench_identity IF NOT EXISTS FOR (n:BI) REQUIRE n.id IS UNIQUE";

    private final AtomicLong next = new AtomicLong(1);

    /** The next unique key. */
    long nextKey() {
        return next.getAndIncrement();
    }

    /** Reserves {@code n} consecutive keys and returns the first. */
    long reserve(long n) {
        return next.getAndAdd(n);
    }

    static Map<String, Object> smallParams(long i) {
        return Map.of("i", i, "s", payload(i));
    }

    static String payload(long i) {
        return String.format("payload-%032d", i);
    }

    /** Rows for {@link #LIMIT_BATCH} covering keys {@code [from, from + n)}. */
    static List<Map<String, Object>> limitRows(long from, int n, boolean withIdentity) {
        List<Map<String, Object>> rows = new ArrayList<>(n);
        for (long i = from; i < from + n; i++) {
            rows.add(withIdentity ? Map.of("id", "4:bench:" + i, "i", i, "s", payload(i)) : smallParams(i));
        }
        return rows;
    }
}
