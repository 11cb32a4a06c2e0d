package io.ha4neo.launcher.status;

import java.util.Collection;
import java.util.Map;

/**
 * A minimal JSON writer for the launcher's {@code status --json}: maps (insertion order kept), collections,
 * strings, numbers, booleans and null. Strings are escaped per RFC 8259, so any value is safe to print.
 */
public final class Json {
    private Json() {
    }

    /** The JSON text of {@code value}. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            appendObject(out, map);
        } else if (value instanceof Collection<?> list) {
            appendArray(out, list);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Number number) {
            appendNumber(out, number);
        } else {
            appendString(out, value.toString());
        }
    }

    private static void appendObject(StringBuilder out, Map<?, ?> map) {
        out.append('{');
        String separator = "";
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.append(separator);
            appendString(out, String.valueOf(e.getKey()));
            out.append(':');
            append(out, e.getValue());
            separator = ",";
        }
        out.append('}');
    }

    private static void appendArray(StringBuilder out, Collection<?> list) {
        out.append('[');
        String separator = "";
        for (Object item : list) {
            out.append(separator);
            append(out, item);
            separator = ",";
        }
        out.append(']');
    }

    private static void appendNumber(StringBuilder out, Number number) {
        double d = number.doubleValue();
        // JSON has no NaN or infinity; null is the honest rendering of "no value".
        out.append(Double.isFinite(d) ? number.toString() : "null");
    }

    static void appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> appendChar(out, c);
            }
        }
        out.append('"');
    }

    private static void appendChar(StringBuilder out, char c) {
        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
        } else {
            out.append(c);
        }
    }
}
