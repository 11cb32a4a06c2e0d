package io.ha4neo.capture.mapping;

import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import org.neo4j.values.storable.CoordinateReferenceSystem;
import org.neo4j.values.storable.DurationValue;
import org.neo4j.values.storable.Values;

/**
 * Event values back into what the embedded API stores ({@code Entity.setProperty}): the inverse of
 * {@link EmbeddedToEventValueMapper}. Most raw values are Java types Neo4j takes as they are; durations and points
 * become Neo4j's own value classes.
 */
public final class EventToEmbeddedValueMapper {
    private EventToEmbeddedValueMapper() {
    }

    public static Object toEmbedded(Value value) {
        Object raw = value.raw();
        if (raw instanceof IsoDuration d) {
            return duration(d);
        }
        if (raw instanceof Point p) {
            return point(p);
        }
        if (raw instanceof IsoDuration[] ds) {
            DurationValue[] out = new DurationValue[ds.length];
            for (int i = 0; i < ds.length; i++) {
                out[i] = duration(ds[i]);
            }
            return out;
        }
        if (raw instanceof Point[] ps) {
            org.neo4j.graphdb.spatial.Point[] out = new org.neo4j.graphdb.spatial.Point[ps.length];
            for (int i = 0; i < ps.length; i++) {
                out[i] = point(ps[i]);
            }
            return out;
        }
        return raw;
    }

    private static DurationValue duration(IsoDuration d) {
        return DurationValue.duration(d.months(), d.days(), d.seconds(), d.nanos());
    }

    private static org.neo4j.graphdb.spatial.Point point(Point p) {
        return Values.pointValue(CoordinateReferenceSystem.get(p.srid()), p.coordinates());
    }
}
