package io.ha4neo.capture.mapping;

import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import java.lang.reflect.Array;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAmount;

/**
 * Converts the Java objects Neo4j's embedded API returns for property values into the event's exact
 * {@link Value} model (capture direction: embedded Neo4j → event). Pure; unit-tested without a server.
 *
 * <p>Narrow numeric types that only the embedded Java API can write (byte, short, int, float, char and their
 * arrays) are widened to what Cypher reads back (LONG, DOUBLE, STRING), because Bolt cannot express them on
 * the standby either. {@code byte[]} stays BYTES.
 */
public final class EmbeddedToEventValueMapper {
    private EmbeddedToEventValueMapper() {
    }

    /** Maps one property value; throws IllegalArgumentException naming the unsupported class. */
    public static Value toValue(Object v) {
        Object raw = toRaw(v);
        return Value.of(raw);
    }

    /**
     * Maps the value of property {@code key} of {@code owner}; a value the event model cannot carry throws
     * {@link UnreplicableValueException} naming the entity and the property, which fails the commit in beforeCommit.
     */
    public static Value toValue(Object v, org.neo4j.graphdb.Entity owner, String key) {
        try {
            return toValue(v);
        } catch (IllegalArgumentException e) {
            String kind = owner instanceof org.neo4j.graphdb.Relationship ? "relationship" : "node";
            throw new UnreplicableValueException(kind + " " + owner.getElementId() + " property '" + key + "': "
                    + e.getMessage());
        }
    }

    private static Object toRaw(Object v) {
        if (v instanceof Byte || v instanceof Short || v instanceof Integer) return ((Number) v).longValue();
        if (v instanceof Float f) return (double) f;
        if (v instanceof Character c) return String.valueOf(c);
        if (v instanceof TemporalAmount d) return duration(d);
        if (v instanceof org.neo4j.graphdb.spatial.Point p) return point(p);
        if (v != null && v.getClass().isArray()) return array(v);
        return v;
    }

    private static Object array(Object a) {
        if (a instanceof short[] || a instanceof int[]) {
            long[] out = new long[Array.getLength(a)];
            for (int i = 0; i < out.length; i++) out[i] = ((Number) Array.get(a, i)).longValue();
            return out;
        }
        if (a instanceof float[] f) {
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) out[i] = f[i];
            return out;
        }
        if (a instanceof char[] c) {
            String[] out = new String[c.length];
            for (int i = 0; i < c.length; i++) out[i] = String.valueOf(c[i]);
            return out;
        }
        if (a instanceof TemporalAmount[] d) {
            IsoDuration[] out = new IsoDuration[d.length];
            for (int i = 0; i < d.length; i++) out[i] = duration(d[i]);
            return out;
        }
        if (a instanceof org.neo4j.graphdb.spatial.Point[] p) {
            Point[] out = new Point[p.length];
            for (int i = 0; i < p.length; i++) out[i] = point(p[i]);
            return out;
        }
        return a;
    }

    static IsoDuration duration(TemporalAmount d) {
        if (d instanceof java.time.Duration j) {
            return new IsoDuration(0, 0, j.getSeconds(), j.getNano());
        }
        if (d instanceof java.time.Period p) {
            return new IsoDuration(p.toTotalMonths(), p.getDays(), 0, 0);
        }
        return new IsoDuration(d.get(ChronoUnit.MONTHS), d.get(ChronoUnit.DAYS), d.get(ChronoUnit.SECONDS),
                (int) d.get(ChronoUnit.NANOS));
    }

    static Point point(org.neo4j.graphdb.spatial.Point p) {
        return new Point(p.getCRS().getCode(), p.getCoordinate().getCoordinate());
    }
}
