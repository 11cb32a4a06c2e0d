package io.ha4neo.schemas.event;

import io.ha4neo.schemas.value.Value;

/**
 * A property set or removed on an entity that existed before the transaction and still exists after it.
 *
 * @param key property key
 * @param value the new value, or null when the property was removed
 * @param previous the value before the transaction, or null when the property did not exist
 */
public record PropertyChange(String key, Value value, Value previous) {
    public PropertyChange {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("property change has no property key");
        }
    }

    /** True when the property was removed. */
    public boolean isRemoval() {
        return value == null;
    }
}
