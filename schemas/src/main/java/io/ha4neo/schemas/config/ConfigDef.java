package io.ha4neo.schemas.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Declares configuration keys once each, with type, default, validator and documentation, in the spirit of
 * Kafka's {@code ConfigDef}. Parsing rejects unknown keys under the declared names (typos must not silently
 * mean "default") except below declared pass-through prefixes, and renders the reference documentation.
 *
 * <pre>{@code
 * ConfigDef def = new ConfigDef("ha4neo.")
 *     .define("role", Type.STRING, "primary", ConfigDef.oneOf("primary", "standby"), "Member role.")
 *     .passThrough("kafka.", "Kafka producer properties.");
 * ConfigValues values = def.parse(rawMap);
 * }</pre>
 */
public final class ConfigDef {
    /** Marker for keys that have no default and must be set. */
    public static final Object REQUIRED = new Object() {
        @Override
        public String toString() {
            return "(required)";
        }
    };

    /** Value types. PASSWORD values are masked whenever configuration is printed. */
    public enum Type { STRING, INT, LONG, BOOLEAN, PASSWORD }

    /** Checks one parsed value; throws {@link ConfigException} naming the key. */
    @FunctionalInterface
    public interface Validator {
        void ensureValid(String key, Object value);

        /** A short human description of the accepted values, for the docs. */
        default String describe() {
            return "";
        }
    }

    /** One declared key. */
    public record Key(String name, Type type, Object defaultValue, Validator validator, String doc) {
        public boolean required() {
            return defaultValue == REQUIRED;
        }
    }

    private final String prefix;
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final Map<String, String> passThrough = new LinkedHashMap<>();

    /** @param prefix prefix of every key in the raw source (e.g. {@code "ha4neo."}), or "" */
    public ConfigDef(String prefix) {
        this.prefix = prefix;
    }

    public ConfigDef define(String name, Type type, Object defaultValue, Validator validator, String doc) {
        if (keys.containsKey(name)) {
            throw new IllegalStateException("configuration key " + prefix + name + " is declared twice");
        }
        Object parsedDefault = defaultValue == null || defaultValue == REQUIRED || !(defaultValue instanceof String s)
                ? defaultValue : convert(name, type, s);
        keys.put(name, new Key(name, type, parsedDefault, validator, doc));
        return this;
    }

    public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
        return define(name, type, defaultValue, null, doc);
    }

    /** Declares that every key below {@code subPrefix} is passed through, unvalidated, to another client. */
    public ConfigDef passThrough(String subPrefix, String doc) {
        passThrough.put(subPrefix, doc);
        return this;
    }

    public String prefix() {
        return prefix;
    }

    public Collection<Key> keys() {
        return keys.values();
    }

    /**
     * Parses raw values. Keys in {@code raw} that do not start with the prefix are ignored (they belong to
     * someone else, e.g. Neo4j's own settings); every other key must be declared or below a pass-through
     * prefix.
     */
    public ConfigValues parse(Map<String, String> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Map<String, String>> passed = new LinkedHashMap<>();
        passThrough.keySet().forEach(p -> passed.put(p, new TreeMap<>()));
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(raw).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String name = e.getKey().substring(prefix.length());
            if (!assignPassThrough(name, e.getValue(), passed) && !keys.containsKey(name)) {
                unknown.add(e.getKey());
            } else if (keys.containsKey(name)) {
                values.put(name, convert(name, keys.get(name).type(), e.getValue()));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown.get(0), "unknown configuration key" + (unknown.size() > 1
                    ? "s " + unknown : "") + "; known keys are listed in the README's configuration reference"
                    + suggestion(unknown.get(0)));
        }
        for (Key key : keys.values()) {
            values.computeIfAbsent(key.name(), n -> key.defaultValue());
            Object v = values.get(key.name());
            if (v == REQUIRED) {
                throw new ConfigException(prefix + key.name(), "is required: " + key.doc());
            }
            if (key.validator() != null && v != null) {
                key.validator().ensureValid(prefix + key.name(), v);
            }
        }
        return new ConfigValues(this, values, passed);
    }

    private boolean assignPassThrough(String name, String value, Map<String, Map<String, String>> passed) {
        for (String p : passThrough.keySet()) {
            if (name.startsWith(p) && name.length() > p.length()) {
                passed.get(p).put(name.substring(p.length()), value);
                return true;
            }
        }
        return false;
    }

    private String suggestion(String fullKey) {
        String name = fullKey.substring(prefix.length());
        String best = null;
        int bestDistance = 4;
        for (String known : keys.keySet()) {
            int d = distance(name, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best == null ? "" : " (did you mean " + prefix + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    private Object convert(String name, Type type, String text) {
        String t = text == null ? "" : text.trim();
        try {
            return switch (type) {
                case STRING, PASSWORD -> t;
                case INT -> Integer.parseInt(t);
                case LONG -> Long.parseLong(t);
                case BOOLEAN -> parseBoolean(t);
            };
        } catch (NumberFormatException e) {
            throw new ConfigException(prefix + name, "'" + text + "' is not a valid " + type.name().toLowerCase(Locale.ROOT));
        }
    }

    private static Boolean parseBoolean(String t) {
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new NumberFormatException(t);
    }

    /** Accepts one of the given strings, case-insensitively. */
    public static Validator oneOf(String... allowed) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(allowed));
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                if (!set.contains(String.valueOf(value))) {
                    throw new ConfigException(key, "'" + value + "' is not one of " + List.of(allowed));
                }
            }

            @Override
            public String describe() {
                return String.join(" \\| ", allowed);
            }
        };
    }

    /** Accepts numbers in [min, max]. */
    public static Validator between(long min, long max) {
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                long v = ((Number) value).longValue();
                if (v < min || v > max) {
                    throw new ConfigException(key, v + " is outside [" + min + ", " + max + "]");
                }
            }

            @Override
            public String describe() {
                return "[" + min + ", " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "…" : max) + "]";
            }
        };
    }

    /** Accepts non-empty strings. */
    public static Validator nonEmpty() {
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                if (String.valueOf(value).isBlank()) {
                    throw new ConfigException(key, "must not be empty");
                }
            }

            @Override
            public String describe() {
                return "non-empty";
            }
        };
    }

    /** The configuration reference as a Markdown table, generated from the declarations. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("| key | type | default | valid values | description |\n");
        md.append("|---|---|---|---|---|\n");
        for (Key k : keys.values()) {
            String def = k.required() ? "(required)" : k.defaultValue() == null ? "" : String.valueOf(k.defaultValue());
            md.append("| `").append(prefix).append(k.name()).append("` | ").append(k.type().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(def.isEmpty() ? "" : "`" + def + "`").append(" | ")
                    .append(k.validator() == null ? "" : k.validator().describe()).append(" | ")
                    .append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        passThrough.forEach((p, doc) -> md.append("| `").append(prefix).append(p).append("*` | pass-through |  |  | ")
                .append(doc.replace("|", "\\|")).append(" |\n"));
        return md.toString();
    }
}
