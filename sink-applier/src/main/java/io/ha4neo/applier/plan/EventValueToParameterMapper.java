package io.ha4neo.applier.plan;

import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Values;

/**
 * Maps exact event values ({@link Value}, as decoded from the log) to Bolt driver parameters, the direction
 * the applier needs (the capture plugin maps the other way, Neo4j values to event values). It keeps every
 * type distinction the store makes:
 * {@code byte[]} stays bytes, java.time values keep their kind (a {@link java.time.ZonedDateTime} keeps
 * its region id or offset, the driver packs them differently), durations keep their four components,
 * points their SRID and dimension. Arrays become lists, which Cypher stores as homogeneous arrays.
 *
 * <p>Known limit of Cypher, not of this mapping: an empty array is written as an empty list, and Neo4j
 * does not keep the element type of an empty array written through Cypher.
 */
public final class EventValueToParameterMapper {
    private EventValueToParameterMapper() {
    }

    /** The driver parameter for one value; null stays null (a removal in {@code SET n += map}). */
    public static Object toParameter(Value value) {
        if (value == null) {
            return null;
        }
        return value.type().isArray() ? arrayToList(value.raw()) : scalar(value.raw());
    }

    /** A property map for {@code SET x += $props}, keeping null values (removals) and key order. */
    public static Map<String, Object> toParameters(Map<String, Value> properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(k, toParameter(v)));
        return out;
    }

    private static Object scalar(Object raw) {
        if (raw instanceof IsoDuration d) {
            return Values.isoDuration(d.months(), d.days(), d.seconds(), d.nanos());
        }
        if (raw instanceof Point p) {
            double[] c = p.coordinates();
            return c.length == 2 ? Values.point(p.srid(), c[0], c[1]) : Values.point(p.srid(), c[0], c[1], c[2]);
        }
        return raw; // Boolean, Long, Double, String, byte[] and java.time types are native driver values
    }

    private static List<Object> arrayToList(Object array) {
        int n = Array.getLength(array);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(scalar(Array.get(array, i)));
        }
        return list;
    }
}
