package io.ha4neo.schemas.event;

import io.ha4neo.schemas.value.Value;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Immutable, key-sorted copies, so that equal content gives equal events and equal encodings. */
final class Maps {
    private Maps() {
    }

    static Map<String, Value> sortedCopy(Map<String, Value> in) {
        TreeMap<String, Value> copy = new TreeMap<>();
        in.forEach((k, v) -> copy.put(k, java.util.Objects.requireNonNull(v, () -> "property " + k + " is null")));
        return Collections.unmodifiableMap(copy);
    }

    static Map<String, String> sortedStrings(Map<String, String> in) {
        return Collections.unmodifiableMap(new TreeMap<>(in));
    }
}
