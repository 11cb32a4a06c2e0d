package io.ha4neo.topology.verify;

import java.util.Arrays;

/**
 * A set of 64-bit key hashes ({@link CanonicalEntity#keyHash}), 8 bytes per key: verify's memory of the entities it
 * already found equal on both members, so that its pass over the standby looks up on the primary only what it has not
 * seen. Adds first, then {@link #seal} once, then lookups (binary search). A false "seen" needs two keys with the same
 * 64-bit hash (about 1 in 10^7 for a hundred million keys), and hides at most that entity. Pure, not thread-safe.
 */
final class KeyHashes {
    private long[] hashes = new long[1024];
    private int size;
    private boolean sealed;

    void add(long hash) {
        if (sealed) {
            throw new IllegalStateException("key hashes are sealed: no adds after the first lookup");
        }
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = hash;
    }

    /** Ends the adds; sorts. */
    void seal() {
        if (!sealed) {
            Arrays.sort(hashes, 0, size);
            sealed = true;
        }
    }

    boolean contains(long hash) {
        if (!sealed) {
            throw new IllegalStateException("seal the key hashes before looking one up");
        }
        return Arrays.binarySearch(hashes, 0, size, hash) >= 0;
    }

    int size() {
        return size;
    }
}
