package io.ha4neo.topology.verify;

import io.ha4neo.schemas.topology.ReservedNames;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.neo4j.driver.Value;
import org.neo4j.driver.types.IsoDuration;
import org.neo4j.driver.types.Point;

/**
 * The canonical text of a property value as Bolt delivers it: its type name and its exact value, so that two values
 * have the same text exactly when they are the same value of the same type. Pure.
 *
 * <ul>
 *   <li>{@code INTEGER 41} and {@code FLOAT 41.0} differ; doubles keep their sign and specials ({@code -0.0},
 *       {@code NaN}, {@code Infinity});</li>
 *   <li>lists render each element with its type ({@code LIST [INTEGER 1, INTEGER 2]}), so an array of longs and one of
 *       doubles differ;</li>
 *   <li>byte arrays as hex, strings quoted with control characters, {@code "} and {@code \} escaped;</li>
 *   <li>points with their SRID and every coordinate; durations by their four components, unnormalised;</li>
 *   <li>date-times with offset and zone ({@code 2024-03-31T02:30+02:00[Europe/Berlin]} is not
 *       {@code 2024-03-31T02:30+02:00}); other temporals by their ISO text, which is exact.</li>
 * </ul>
 *
 * The rendering is the one the integration tests' typed graph comparison ({@code it/.../GraphSnapshot}) uses, so a
 * difference verify reports reads the same as one those tests report.
 */
public final class ValueText {
    private ValueText() {
    }

    /** The properties without reserved keys ({@link ReservedNames#isReserved}), by key, each value rendered. */
    public static SortedMap<String, String> properties(Map<String, Value> properties) {
        SortedMap<String, String> rendered = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (!ReservedNames.isReserved(key)) {
                rendered.put(key, render(value));
            }
        });
        return rendered;
    }

    /** {@code {a: INTEGER 1, b: STRING "x"}}: properties rendered by {@link #properties}, in key order. */
    public static String text(SortedMap<String, String> rendered) {
        return rendered.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** One value: its Bolt type name and its exact value. */
    public static String render(Value v) {
        String type = v.type().name().startsWith("LIST") ? "LIST" : v.type().name();
        return switch (type) {
            case "LIST" -> "LIST " + v.asList(x -> x).stream().map(ValueText::render)
                    .collect(Collectors.joining(", ", "[", "]"));
            case "BYTES" -> "BYTES 0x" + HexFormat.of().formatHex(v.asByteArray());
            case "FLOAT" -> "FLOAT " + Double.toString(v.asDouble());
            case "STRING" -> "STRING \"" + escape(v.asString()) + "\"";
            case "POINT" -> "POINT " + point(v.asPoint());
            case "DURATION" -> "DURATION " + duration(v.asIsoDuration());
            case "DATE_TIME" -> "DATE_TIME " + v.asZonedDateTime();
            default -> type + " " + v.asObject();
        };
    }

    private static String point(Point p) {
        return "srid " + p.srid() + " (" + p.x() + ", " + p.y() + (Double.isNaN(p.z()) ? "" : ", " + p.z()) + ")";
    }

    private static String duration(IsoDuration d) {
        return "months " + d.months() + " days " + d.days() + " seconds " + d.seconds() + " nanos " + d.nanoseconds();
    }

    /** Escapes control characters, quotes and backslashes, so a value stays on one line and the text is unambiguous. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == '"' || c == '\\') {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
