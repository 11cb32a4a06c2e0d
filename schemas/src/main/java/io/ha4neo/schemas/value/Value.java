package io.ha4neo.schemas.value;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Objects;

/**
 * One property value, tagged with its exact {@link ValueType}. Equality is exact: doubles compare by bit
 * pattern through {@link Double#equals} (NaN equals NaN, -0.0 differs from 0.0), arrays compare element
 * by element, and a {@link ZonedDateTime} with a zone id differs from the same instant with an offset.
 *
 * <p>Use the factory {@link #of(Object)} to tag a raw Java value; it rejects anything that is not one of
 * the raw types listed in {@link ValueType}, naming the offending class.
 *
 * @param type the exact Neo4j type
 * @param raw the Java value, as {@link ValueType} documents for each type; never null
 */
public record Value(ValueType type, Object raw) {

    public Value {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(raw, "raw");
        ValueType actual = typeOf(raw);
        if (actual != type) {
            throw new IllegalArgumentException("value of Java type " + raw.getClass().getName()
                    + " cannot be tagged " + type + " (it is " + actual + ")");
        }
    }

    /** Tags a raw Java value with its type. */
    public static Value of(Object raw) {
        Objects.requireNonNull(raw, "property values are never null; a removed property has no Value");
        return new Value(typeOf(raw), raw);
    }

    /** The {@link ValueType} of a raw Java value, or an IllegalArgumentException naming its class. */
    public static ValueType typeOf(Object raw) {
        if (raw instanceof Boolean) return ValueType.BOOLEAN;
        if (raw instanceof Long) return ValueType.LONG;
        if (raw instanceof Double) return ValueType.DOUBLE;
        if (raw instanceof String) return ValueType.STRING;
        if (raw instanceof byte[]) return ValueType.BYTES;
        if (raw instanceof LocalDate) return ValueType.DATE;
        if (raw instanceof OffsetTime) return ValueType.TIME;
        if (raw instanceof LocalTime) return ValueType.LOCAL_TIME;
        if (raw instanceof ZonedDateTime) return ValueType.DATE_TIME;
        if (raw instanceof LocalDateTime) return ValueType.LOCAL_DATE_TIME;
        if (raw instanceof IsoDuration) return ValueType.DURATION;
        if (raw instanceof Point) return ValueType.POINT;
        if (raw instanceof boolean[]) return ValueType.BOOLEAN_ARRAY;
        if (raw instanceof long[]) return ValueType.LONG_ARRAY;
        if (raw instanceof double[]) return ValueType.DOUBLE_ARRAY;
        if (raw instanceof String[]) return ValueType.STRING_ARRAY;
        if (raw instanceof LocalDate[]) return ValueType.DATE_ARRAY;
        if (raw instanceof OffsetTime[]) return ValueType.TIME_ARRAY;
        if (raw instanceof LocalTime[]) return ValueType.LOCAL_TIME_ARRAY;
        if (raw instanceof ZonedDateTime[]) return ValueType.DATE_TIME_ARRAY;
        if (raw instanceof LocalDateTime[]) return ValueType.LOCAL_DATE_TIME_ARRAY;
        if (raw instanceof IsoDuration[]) return ValueType.DURATION_ARRAY;
        if (raw instanceof Point[]) return ValueType.POINT_ARRAY;
        throw new IllegalArgumentException("unsupported property value type " + raw.getClass().getName());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Value v) || v.type != type) {
            return false;
        }
        // deepEquals compares primitive arrays with Arrays.equals (doubles by bit pattern) and objects with
        // equals; ZonedDateTime.equals includes the zone, so an offset never equals a region id.
        return Arrays.deepEquals(new Object[] {raw}, new Object[] {v.raw});
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.deepHashCode(new Object[] {raw});
    }

    @Override
    public String toString() {
        Object shown = raw.getClass().isArray() ? Arrays.deepToString(new Object[] {raw}) : raw;
        return type + ":" + shown;
    }
}
