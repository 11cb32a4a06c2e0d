package io.ha4neo.topology.verify;

import static io.ha4neo.topology.verify.InMemoryGraph.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BucketDigestTest {
    private static List<CanonicalEntity> entities(int n) {
        List<CanonicalEntity> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(node("4:db:" + i, List.of("N"), Map.of("i", (long) i)));
        }
        return all;
    }

    private static BucketDigest digest(int buckets, List<CanonicalEntity> entities) {
        BucketDigest d = new BucketDigest(buckets);
        entities.forEach(d::add);
        return d;
    }

    @Test
    void theSameEntitiesInAnyOrderGiveEqualBuckets() {
        List<CanonicalEntity> all = entities(500);
        List<CanonicalEntity> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(7));

        assertThat(digest(64, all).differingBuckets(digest(64, shuffled))).isEmpty();
        assertThat(digest(64, all).entities()).isEqualTo(500);
    }

    @Test
    void oneChangedMissingOrDuplicatedEntityChangesOnlyItsOwnBucket() {
        List<CanonicalEntity> all = entities(500);
        CanonicalEntity changed = node("4:db:17", List.of("N"), Map.of("i", 17.0));
        int bucket = BucketDigest.bucketOf(changed.keyHash(), 64);

        List<CanonicalEntity> withChange = new ArrayList<>(all);
        withChange.set(17, changed);
        List<CanonicalEntity> withoutIt = new ArrayList<>(all);
        withoutIt.remove(17);
        List<CanonicalEntity> twice = new ArrayList<>(all);
        twice.add(all.get(17));

        BucketDigest expected = digest(64, all);
        assertThat(expected.differingBuckets(digest(64, withChange))).containsExactly(bucket);
        assertThat(expected.differingBuckets(digest(64, withoutIt))).containsExactly(bucket);
        assertThat(expected.differingBuckets(digest(64, twice))).containsExactly(bucket);
        assertThat(expected.count(bucket)).isEqualTo(digest(64, twice).count(bucket) - 1);
    }

    @Test
    void digestsOfDifferentBucketCountsCannotBeCompared() {
        assertThatThrownBy(() -> new BucketDigest(8).differingBuckets(new BucketDigest(16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 and 16 buckets");
        assertThatThrownBy(() -> new BucketDigest(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bucketsAreNeverNegativeForNegativeHashes() {
        assertThat(BucketDigest.bucketOf(Long.MIN_VALUE, 7)).isBetween(0, 6);
        assertThat(BucketDigest.bucketOf(-1, 4096)).isEqualTo(4095);
    }
}
