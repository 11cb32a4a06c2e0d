package io.ha4neo.topology.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one member holds under one key in one read: one entity, or several when the key occurs more than once (a
 * duplicate is a difference too). Two sightings are the same when they have as many entities with the same digests.
 * A <em>light</em> sighting (of the two passes) keeps digests and the start key only, not the entity.
 *
 * @param count entities with this key
 * @param digestSum sum of their digests (mod 2^64)
 * @param startKey the first one's start node key (relationships), else null
 * @param entity the first one, or null in a light sighting
 */
public record Sighting(int count, long digestSum, String startKey, CanonicalEntity entity) {
    /** One sighting per key of {@code entities}; {@code light}: without the entities themselves. */
    public static Map<String, Sighting> byKey(List<CanonicalEntity> entities, boolean light) {
        Map<String, Sighting> byKey = new LinkedHashMap<>();
        entities.forEach(e -> add(byKey, e, light));
        return byKey;
    }

    /** Adds {@code e} to the sighting of its key in {@code byKey}. */
    public static void add(Map<String, Sighting> byKey, CanonicalEntity e, boolean light) {
        byKey.merge(e.key(), new Sighting(1, e.digest(), e.startKey(), light ? null : e),
                (a, b) -> new Sighting(a.count + b.count, a.digestSum + b.digestSum, a.startKey, a.entity));
    }

    /** True when {@code a} and {@code b} (null: nothing under the key) hold the same entities. */
    public static boolean same(Sighting a, Sighting b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.count == b.count && a.digestSum == b.digestSum;
    }

    /** The entity's text, marked when the key occurs more than once; "(missing)"-free: callers handle null. */
    public String text() {
        String first = entity == null ? "(not read)" : entity.text();
        return count == 1 ? first : first + " (and " + (count - 1) + " more with this key)";
    }
}
