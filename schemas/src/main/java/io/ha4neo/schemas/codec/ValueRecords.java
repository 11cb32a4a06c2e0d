package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import io.ha4neo.schemas.value.ValueType;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Maps {@link Value}s to and from the Avro {@code PropertyValue} record: one named record per
 * {@link ValueType}, named after the type in camel case plus {@code Value} ({@code DATE_TIME} →
 * {@code DateTimeValue}). Pure and thread-safe.
 */
final class ValueRecords {
    private final Schema propertyValue;
    private final Map<ValueType, Schema> branchByType = new EnumMap<>(ValueType.class);
    private final Map<String, ValueType> typeByName = new HashMap<>();

    ValueRecords(Schema propertyValue) {
        this.propertyValue = propertyValue;
        Schema union = propertyValue.getField("value").schema();
        for (ValueType type : ValueType.values()) {
            String name = recordName(type);
            Schema branch = union.getTypes().stream().filter(s -> s.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("schema has no union branch " + name
                            + " for " + type));
            branchByType.put(type, branch);
            typeByName.put(name, type);
        }
    }

    /** {@code LOCAL_DATE_TIME} → {@code LocalDateTimeValue}. */
    static String recordName(ValueType type) {
        StringBuilder name = new StringBuilder();
        for (String part : type.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.append("Value").toString();
    }

    GenericRecord toRecord(Value value) {
        GenericRecord wrapper = new GenericData.Record(propertyValue);
        wrapper.put(0, typed(value.type(), value.raw()));
        return wrapper;
    }

    Value fromRecord(GenericRecord wrapper) {
        GenericRecord typed = (GenericRecord) wrapper.get(0);
        ValueType type = typeByName.get(typed.getSchema().getName());
        if (type == null) {
            throw new IllegalArgumentException("unknown property value record " + typed.getSchema().getName());
        }
        return new Value(type, raw(type, typed));
    }

    // ---- encoding: Java raw value -> typed record -------------------------------------------------

    private GenericRecord typed(ValueType type, Object raw) {
        Schema schema = branchByType.get(type);
        GenericRecord record = new GenericData.Record(schema);
        if (type.isArray()) {
            record.put(0, arrayItems(type, raw, schema.getField("values").schema().getElementType()));
        } else {
            scalar(type, raw, record);
        }
        return record;
    }

    /** Fills a scalar record. Field positions follow the .avsc: value / epochDay / nanoOfDay first. */
    private static void scalar(ValueType type, Object raw, GenericRecord r) {
        switch (type) {
            case BOOLEAN, LONG, DOUBLE, STRING -> r.put(0, raw);
            case BYTES -> r.put(0, ByteBuffer.wrap((byte[]) raw));
            case DATE -> r.put(0, ((LocalDate) raw).toEpochDay());
            case TIME -> {
                OffsetTime t = (OffsetTime) raw;
                r.put(0, t.toLocalTime().toNanoOfDay());
                r.put(1, t.getOffset().getTotalSeconds());
            }
            case LOCAL_TIME -> r.put(0, ((LocalTime) raw).toNanoOfDay());
            case DATE_TIME -> dateTime((ZonedDateTime) raw, r);
            case LOCAL_DATE_TIME -> {
                LocalDateTime t = (LocalDateTime) raw;
                r.put(0, t.toEpochSecond(ZoneOffset.UTC));
                r.put(1, t.getNano());
            }
            case DURATION -> {
                IsoDuration d = (IsoDuration) raw;
                r.put(0, d.months());
                r.put(1, d.days());
                r.put(2, d.seconds());
                r.put(3, d.nanos());
            }
            case POINT -> {
                Point p = (Point) raw;
                r.put(0, p.srid());
                r.put(1, doubles(p.coordinates()));
            }
            default -> throw new IllegalStateException("not a scalar type: " + type);
        }
    }

    private static void dateTime(ZonedDateTime t, GenericRecord r) {
        r.put(0, t.toEpochSecond());
        r.put(1, t.getNano());
        r.put(2, t.getOffset().getTotalSeconds());
        // A ZoneOffset zone is the "fixed offset" form; anything else is a region id and keeps its name.
        r.put(3, t.getZone() instanceof ZoneOffset ? null : t.getZone().getId());
    }

    private static List<Object> arrayItems(ValueType type, Object raw, Schema itemSchema) {
        return switch (type) {
            case BOOLEAN_ARRAY -> booleans((boolean[]) raw);
            case LONG_ARRAY -> longs((long[]) raw);
            case DOUBLE_ARRAY -> doubles((double[]) raw);
            case STRING_ARRAY -> List.of((Object[]) raw);
            default -> records((Object[]) raw, elementType(type), itemSchema);
        };
    }

    private static List<Object> records(Object[] items, ValueType element, Schema itemSchema) {
        List<Object> out = new ArrayList<>(items.length);
        for (Object item : items) {
            GenericRecord r = new GenericData.Record(itemSchema);
            scalar(element, item, r);
            out.add(r);
        }
        return out;
    }

    private static List<Object> booleans(boolean[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (boolean v : values) {
            out.add(v);
        }
        return out;
    }

    private static List<Object> longs(long[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }

    private static List<Object> doubles(double[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** DATE_ARRAY → DATE etc. */
    static ValueType elementType(ValueType arrayType) {
        return ValueType.valueOf(arrayType.name().substring(0, arrayType.name().length() - "_ARRAY".length()));
    }

    // ---- decoding: typed record -> Java raw value -------------------------------------------------

    private static Object raw(ValueType type, GenericRecord r) {
        if (!type.isArray()) {
            return scalarRaw(type, r);
        }
        List<?> items = (List<?>) r.get(0);
        return switch (type) {
            case BOOLEAN_ARRAY -> toBooleans(items);
            case LONG_ARRAY -> toLongs(items);
            case DOUBLE_ARRAY -> toDoubles(items);
            case STRING_ARRAY -> map(items, Object::toString, String[]::new);
            case DATE_ARRAY -> map(items, i -> (LocalDate) scalarRaw(ValueType.DATE, (GenericRecord) i), LocalDate[]::new);
            case TIME_ARRAY -> map(items, i -> (OffsetTime) scalarRaw(ValueType.TIME, (GenericRecord) i), OffsetTime[]::new);
            case LOCAL_TIME_ARRAY -> map(items, i -> (LocalTime) scalarRaw(ValueType.LOCAL_TIME, (GenericRecord) i),
                    LocalTime[]::new);
            case DATE_TIME_ARRAY -> map(items, i -> (ZonedDateTime) scalarRaw(ValueType.DATE_TIME, (GenericRecord) i),
                    ZonedDateTime[]::new);
            case LOCAL_DATE_TIME_ARRAY -> map(items,
                    i -> (LocalDateTime) scalarRaw(ValueType.LOCAL_DATE_TIME, (GenericRecord) i), LocalDateTime[]::new);
            case DURATION_ARRAY -> map(items, i -> (IsoDuration) scalarRaw(ValueType.DURATION, (GenericRecord) i),
                    IsoDuration[]::new);
            case POINT_ARRAY -> map(items, i -> (Point) scalarRaw(ValueType.POINT, (GenericRecord) i), Point[]::new);
            default -> throw new IllegalStateException("not an array type: " + type);
        };
    }

    private static Object scalarRaw(ValueType type, GenericRecord r) {
        return switch (type) {
            case BOOLEAN -> (Boolean) r.get(0);
            case LONG -> (Long) r.get(0);
            case DOUBLE -> (Double) r.get(0);
            case STRING -> r.get(0).toString();
            case BYTES -> bytes((ByteBuffer) r.get(0));
            case DATE -> LocalDate.ofEpochDay((Long) r.get(0));
            case TIME -> OffsetTime.of(LocalTime.ofNanoOfDay((Long) r.get(0)), ZoneOffset.ofTotalSeconds((Integer) r.get(1)));
            case LOCAL_TIME -> LocalTime.ofNanoOfDay((Long) r.get(0));
            case DATE_TIME -> dateTime(r);
            case LOCAL_DATE_TIME -> LocalDateTime.ofEpochSecond((Long) r.get(0), nano((Integer) r.get(1)), ZoneOffset.UTC);
            case DURATION -> new IsoDuration((Long) r.get(0), (Long) r.get(1), (Long) r.get(2), (Integer) r.get(3));
            case POINT -> new Point((Integer) r.get(0), toDoubles((List<?>) r.get(1)));
            default -> throw new IllegalStateException("not a scalar type: " + type);
        };
    }

    /**
     * Rebuilds the value from its instant, as Neo4j stores it. For a region zone the written offset is
     * informational: deriving it again from the zone rules yields the same value for every instant, DST
     * gaps and overlaps included.
     */
    private static ZonedDateTime dateTime(GenericRecord r) {
        Instant instant = Instant.ofEpochSecond((Long) r.get(0), nano((Integer) r.get(1)));
        Object zoneId = r.get(3);
        ZoneId zone = zoneId == null ? ZoneOffset.ofTotalSeconds((Integer) r.get(2)) : ZoneId.of(zoneId.toString());
        return ZonedDateTime.ofInstant(instant, zone);
    }

    /** Instant.ofEpochSecond would silently carry an out-of-range nano into the seconds; reject it. */
    private static int nano(int nano) {
        if (nano < 0 || nano > 999_999_999) {
            throw new IllegalArgumentException("nano of second must be in 0..999999999, was " + nano);
        }
        return nano;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static boolean[] toBooleans(List<?> items) {
        boolean[] out = new boolean[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Boolean) items.get(i);
        }
        return out;
    }

    private static long[] toLongs(List<?> items) {
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) items.get(i);
        }
        return out;
    }

    private static double[] toDoubles(List<?> items) {
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Double) items.get(i);
        }
        return out;
    }

    private static <T> T[] map(List<?> items, Function<Object, T> convert, IntFunction<T[]> newArray) {
        T[] out = newArray.apply(items.size());
        for (int i = 0; i < out.length; i++) {
            out[i] = convert.apply(items.get(i));
        }
        return out;
    }
}
