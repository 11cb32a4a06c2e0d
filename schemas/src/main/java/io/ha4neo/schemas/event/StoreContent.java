package io.ha4neo.schemas.event;

/**
 * What a store holds of user data, as counts: what a standby must hold too before it can follow the log.
 *
 * <p>User data is everything except what ha4neo keeps for itself: nodes labelled
 * {@link io.ha4neo.schemas.topology.ReservedNames#WATERMARK_LABEL} or
 * {@link io.ha4neo.schemas.topology.ReservedNames#SKIP_LABEL} (the applier's bookkeeping), token lookup indexes (every
 * store has them), indexes that back a constraint (the constraint is counted) and schema objects whose name is
 * reserved ({@link io.ha4neo.schemas.topology.ReservedNames#isReserved}). Replicated entities (label
 * {@link io.ha4neo.schemas.topology.ReservedNames#NODE_LABEL}) are user data: they came from a primary. User indexes
 * and constraints count, because a standby without them differs from its primary (a uniqueness constraint even
 * changes which writes succeed).
 *
 * <p>The capture plugin counts its store when capture first starts ({@link CaptureBaseline}); the applier counts its
 * standby before it writes to one that has no watermark. Both count by these rules.
 *
 * @param nodes nodes of user data
 * @param relationships relationships (ha4neo keeps none of its own)
 * @param indexes user indexes
 * @param constraints user constraints
 */
public record StoreContent(long nodes, long relationships, long indexes, long constraints) {
    /** A store without user data. */
    public static final StoreContent EMPTY = new StoreContent(0, 0, 0, 0);

    public StoreContent {
        if (nodes < 0 || relationships < 0 || indexes < 0 || constraints < 0) {
            throw new IllegalArgumentException("counts must not be negative, were " + nodes + " nodes, "
                    + relationships + " relationships, " + indexes + " indexes, " + constraints + " constraints");
        }
    }

    /** True when the store holds no user data at all. */
    public boolean isEmpty() {
        return nodes == 0 && relationships == 0 && indexes == 0 && constraints == 0;
    }

    /** "12 nodes, 3 relationships, 1 index and 0 constraints". */
    @Override
    public String toString() {
        return count(nodes, "node") + ", " + count(relationships, "relationship") + ", " + count(indexes, "index")
                + " and " + count(constraints, "constraint");
    }

    private static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun.equals("index") ? "indexes" : noun + "s");
    }
}
