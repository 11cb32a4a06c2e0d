package io.ha4neo.topology.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * An order-independent digest of one member's entities of one kind, in buckets: each entity goes to the bucket of its
 * {@link CanonicalEntity#keyHash key hash}, which adds 1 to the bucket's count and its {@link CanonicalEntity#digest}
 * to the bucket's sum (mod 2^64). Two members that hold the same entities have equal buckets whatever order they were
 * read in; an entity that differs (or is missing, or occurs twice) changes its own bucket only, so comparing the
 * buckets narrows a difference down to the few buckets worth reading again. Memory: two longs per bucket. Pure.
 *
 * <pre>{@code
 * BucketDigest primary = new BucketDigest(4096), standby = new BucketDigest(4096);
 * primaryEntities.forEach(primary::add); standbyEntities.forEach(standby::add);
 * List<Integer> suspects = primary.differingBuckets(standby);
 * }</pre>
 */
public final class BucketDigest {
    private final long[] counts;
    private final long[] sums;
    private long entities;

    public BucketDigest(int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("a digest needs at least one bucket, not " + buckets);
        }
        counts = new long[buckets];
        sums = new long[buckets];
    }

    /** The bucket of an entity whose key hash is {@code keyHash}, among {@code buckets}. */
    public static int bucketOf(long keyHash, int buckets) {
        return (int) Math.floorMod(keyHash, (long) buckets);
    }

    public void add(CanonicalEntity entity) {
        int b = bucketOf(entity.keyHash(), counts.length);
        counts[b]++;
        sums[b] += entity.digest(); // wraps around: a sum mod 2^64, independent of order
        entities++;
    }

    /** The buckets whose count or sum differ from {@code other}'s, in ascending order. */
    public List<Integer> differingBuckets(BucketDigest other) {
        if (other.counts.length != counts.length) {
            throw new IllegalArgumentException("digests of " + counts.length + " and " + other.counts.length
                    + " buckets cannot be compared");
        }
        List<Integer> differing = new ArrayList<>();
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] != other.counts[b] || sums[b] != other.sums[b]) {
                differing.add(b);
            }
        }
        return differing;
    }

    /** How many entities were added to bucket {@code b}. */
    public long count(int b) {
        return counts[b];
    }

    /** How many entities were added in all. */
    public long entities() {
        return entities;
    }

    public int buckets() {
        return counts.length;
    }
}
