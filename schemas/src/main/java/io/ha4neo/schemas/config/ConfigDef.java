package io.ha4neo.schemas.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

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
 *
 * <p>A service configured from a properties file and the environment declares an environment prefix and a
 * pass-through prefix whose settings it owns:
 * <pre>{@code
 * ConfigDef def = new ConfigDef("")
 *     .define("neo4j.uri", Type.STRING, ConfigDef.REQUIRED, ConfigDef.matches("bolt://.+", "a bolt:// URI"), "…")
 *     .define("neo4j.password", Type.PASSWORD, "", "…")                       // masked when printed
 *     .passThrough("kafka.", "Consumer properties.", Map.of("enable.auto.commit", "false"), "positions itself")
 *     .environmentOverrides("HA4NEO_");                                       // HA4NEO_NEO4J_URI → neo4j.uri
 * ConfigValues values = def.load(Path.of("applier.properties"), System.getenv());
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

    /** Value types. PASSWORD values are masked whenever configuration is printed, and are not trimmed. */
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

    /**
     * Keys below {@code subPrefix} are handed to another client. {@code forced} settings belong to the
     * service: a user value that differs is an error, and the forced value is always passed on.
     */
    private record PassThrough(String subPrefix, String doc, Map<String, String> forced, String whyForced) {
    }

    private final String prefix;
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final Map<String, PassThrough> passThrough = new LinkedHashMap<>();
    private String envPrefix;

    /** @param prefix prefix of every key in the raw source (e.g. {@code "ha4neo."}), or "" */
    public ConfigDef(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Declares a key. {@code defaultValue} is {@link #REQUIRED}, null (optional, unset unless given; an empty
     * value then also means unset) or the default, as text or already typed.
     */
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
        return passThrough(subPrefix, doc, Map.of(), "");
    }

    /**
     * Declares a pass-through prefix with settings the service owns: a user value for a key of {@code forced}
     * that differs from the forced value is an error whose message gives {@code whyForced}, and
     * {@link ConfigValues#passThrough} always contains the forced values.
     */
    public ConfigDef passThrough(String subPrefix, String doc, Map<String, String> forced, String whyForced) {
        passThrough.put(subPrefix, new PassThrough(subPrefix, doc, new TreeMap<>(forced), whyForced));
        return this;
    }

    /**
     * Declares that environment variables override keys: {@code envPrefix} followed by the key (without this
     * definition's prefix) in upper case with dots replaced by underscores, e.g. {@code HA4NEO_NEO4J_URI} for
     * {@code neo4j.uri}; below a pass-through prefix the rest of the variable is lower-cased, underscores
     * becoming dots. See {@link #fromEnvironment} and {@link #load}.
     */
    public ConfigDef environmentOverrides(String envPrefix) {
        this.envPrefix = envPrefix;
        return this;
    }

    public String prefix() {
        return prefix;
    }

    public Collection<Key> keys() {
        return keys.values();
    }

    /** The environment variable that overrides a declared key; requires {@link #environmentOverrides}. */
    public String environmentVariable(String name) {
        if (envPrefix == null) {
            throw new IllegalStateException("no environment prefix declared for " + prefix + "* keys");
        }
        return envPrefix + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    // ------------------------------------------------------------------ sources

    /**
     * Reads a properties file (may be null: no file) and lays the environment over it, then parses: the
     * environment wins over the file.
     */
    public ConfigValues load(Path file, Map<String, String> env) {
        Map<String, String> raw = file == null ? new TreeMap<>() : readProperties(file);
        raw.putAll(fromEnvironment(env));
        return parse(raw);
    }

    /** Reads a properties file into raw key/value pairs, keys and values trimmed. */
    public static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException(null, "cannot read configuration file " + file + ": " + e
                    + "; fix the path (or its permissions) and restart");
        }
        Map<String, String> raw = new TreeMap<>();
        p.stringPropertyNames().forEach(n -> raw.put(n.trim(), p.getProperty(n).trim()));
        return raw;
    }

    /**
     * Maps the variables under the {@linkplain #environmentOverrides environment prefix} to raw keys (this
     * definition's prefix included); other variables are ignored. A variable under the prefix that names no
     * declared key and no pass-through prefix is an error: a typo must not silently mean "default".
     */
    public Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> raw = new TreeMap<>();
        if (envPrefix == null) {
            return raw;
        }
        new TreeMap<>(env).forEach((variable, value) -> {
            if (variable.startsWith(envPrefix)) {
                raw.put(keyForVariable(variable), value);
            }
        });
        return raw;
    }

    private String keyForVariable(String variable) {
        for (Key key : keys.values()) {
            if (environmentVariable(key.name()).equals(variable)) {
                return prefix + key.name();
            }
        }
        for (String p : passThrough.keySet()) {
            String stem = environmentVariable(p);
            if (variable.startsWith(stem) && variable.length() > stem.length()) {
                return prefix + p + variable.substring(stem.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
        }
        throw new ConfigException(variable, "unknown environment variable; variables under " + envPrefix
                + " must name a configuration key (e.g. " + environmentVariable(keys.keySet().iterator().next())
                + ")" + passThroughVariables() + suggestVariable(variable) + ". Fix the name and restart.");
    }

    private String passThroughVariables() {
        return passThrough.keySet().stream().map(p -> " or " + environmentVariable(p) + "*")
                .reduce("", String::concat);
    }

    private String suggestVariable(String variable) {
        return closest(variable, keys.keySet().stream().map(this::environmentVariable).toList())
                .map(v -> " (did you mean " + v + "?)").orElse("");
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Parses raw values. Keys in {@code raw} that do not start with the prefix are ignored (they belong to
     * someone else, e.g. Neo4j's own settings); every other key must be declared or below a pass-through
     * prefix. A declared key below a pass-through prefix is both a typed value and passed through.
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
            values.putIfAbsent(key.name(), key.defaultValue()); // a null default is kept: declared, unset
            Object v = values.get(key.name());
            if (v == REQUIRED) {
                throw new ConfigException(prefix + key.name(), "is required: " + key.doc() + whereToSet(key));
            }
            if (key.validator() != null && v != null) {
                key.validator().ensureValid(prefix + key.name(), v);
            }
        }
        applyForced(passed);
        return new ConfigValues(this, values, passed);
    }

    private String whereToSet(Key key) {
        return envPrefix == null ? ""
                : " Set it in the configuration file or as " + environmentVariable(key.name()) + ".";
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

    /** Refuses user values that contradict a forced setting, then adds every forced setting. */
    private void applyForced(Map<String, Map<String, String>> passed) {
        for (PassThrough p : passThrough.values()) {
            Map<String, String> given = passed.get(p.subPrefix());
            p.forced().forEach((k, forced) -> {
                String value = given.get(k);
                if (value != null && !value.trim().equals(forced)) {
                    throw new ConfigException(prefix + p.subPrefix() + k, "'" + value + "' is not allowed: it is "
                            + "fixed to " + forced + " because " + p.whyForced() + ". Remove the setting and restart.");
                }
                given.put(k, forced);
            });
        }
    }

    private String suggestion(String fullKey) {
        return closest(fullKey.substring(prefix.length()), keys.keySet())
                .map(best -> " (did you mean " + prefix + best + "?)").orElse("");
    }

    /** The candidate within edit distance 3 of {@code name}, the closest first. */
    private static Optional<String> closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = 4;
        for (String known : candidates) {
            int d = distance(name, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return Optional.ofNullable(best);
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
        if (type == Type.PASSWORD) {
            return text == null ? "" : text; // spaces may belong to a password
        }
        String t = text == null ? "" : text.trim();
        Key key = keys.get(name);
        if (t.isEmpty() && type != Type.STRING && key != null && key.defaultValue() == null) {
            return null; // an optional key without default: empty means unset
        }
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

    // ------------------------------------------------------------------ validators

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
                    throw new ConfigException(key, v + " is outside " + describe());
                }
            }

            @Override
            public String describe() {
                return "[" + min + ", " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "…" : max) + "]";
            }
        };
    }

    /** Accepts numbers of at least {@code min}. */
    public static Validator atLeast(long min) {
        return between(min, Long.MAX_VALUE);
    }

    /** Accepts a TCP port, or 0 for "turned off". */
    public static Validator portOrZero() {
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                long v = ((Number) value).longValue();
                if (v < 0 || v > 65535) {
                    throw new ConfigException(key, v + " is not a port number 1..65535, nor 0 to turn it off");
                }
            }

            @Override
            public String describe() {
                return "0 (off) or a port";
            }
        };
    }

    /** Accepts strings matching {@code regex} as a whole; {@code description} names what they are. */
    public static Validator matches(String regex, String description) {
        Pattern pattern = Pattern.compile(regex);
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                if (!pattern.matcher(String.valueOf(value)).matches()) {
                    throw new ConfigException(key, "'" + value + "' is not " + description);
                }
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /**
     * Accepts the empty string (the feature is off) or an absolute {@code http://} or {@code https://} URL with a
     * host, such as a Schema Registry's base URL ({@code http://registry:8081}, {@code https://host/apis/ccompat/v7}).
     */
    public static Validator httpUrlOrEmpty() {
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                String text = String.valueOf(value);
                if (!text.isEmpty() && !isHttpUrl(text)) {
                    throw new ConfigException(key, "'" + text + "' is not an http:// or https:// URL with a host, "
                            + "e.g. http://registry:8081; fix it, or leave it empty");
                }
            }

            @Override
            public String describe() {
                return "empty, or an http(s):// URL";
            }
        };
    }

    private static boolean isHttpUrl(String text) {
        try {
            java.net.URI uri = new java.net.URI(text);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
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

    // ------------------------------------------------------------------ documentation

    /**
     * The configuration reference as a Markdown table, generated from the declarations, followed by a note on
     * environment variables when {@linkplain #environmentOverrides declared}.
     */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("| key | type | default | valid values | description |\n");
        md.append("|---|---|---|---|---|\n");
        for (Key k : keys.values()) {
            String def = k.required() ? "`(required)`" : k.defaultValue() == null ? "(unset)"
                    : String.valueOf(k.defaultValue()).isEmpty() ? "" : "`" + k.defaultValue() + "`";
            md.append("| `").append(prefix).append(k.name()).append("` | ").append(k.type().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(def).append(" | ")
                    .append(k.validator() == null ? "" : k.validator().describe()).append(" | ")
                    .append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        passThrough.values().forEach(p -> md.append("| `").append(prefix).append(p.subPrefix())
                .append("*` | pass-through |  |  | ").append(p.doc().replace("|", "\\|")).append(forcedDoc(p))
                .append(" |\n"));
        if (envPrefix != null) {
            md.append(environmentDoc());
        }
        return md.toString();
    }

    private static String forcedDoc(PassThrough p) {
        if (p.forced().isEmpty()) {
            return "";
        }
        StringJoiner s = new StringJoiner(", ", " Fixed, because " + p.whyForced() + ": ", ".");
        p.forced().forEach((k, v) -> s.add("`" + k + "=" + v + "`"));
        return s.toString();
    }

    private String environmentDoc() {
        String example = keys.keySet().iterator().next();
        StringBuilder s = new StringBuilder("\nEvery key can be set by an environment variable instead: `")
                .append(envPrefix).append("` and the key in upper case, dots replaced by underscores (`")
                .append(prefix).append(example).append("` → `").append(environmentVariable(example)).append('`');
        passThrough.keySet().forEach(p -> s.append(", `").append(prefix).append(p).append("*` → `")
                .append(environmentVariable(p)).append("*`"));
        return s.append("). The environment wins over the configuration file; an unknown `").append(envPrefix)
                .append("*` variable is an error.\n").toString();
    }

    /** {@link #toMarkdown()} between the lines {@code <!-- name:begin -->} and {@code <!-- name:end -->}. */
    public String toMarkdownSection(String name) {
        return beginMarker(name) + toMarkdown() + endMarker(name);
    }

    /**
     * The section {@code name} of a Markdown document, markers included, as {@link #toMarkdownSection} writes
     * it; empty when the document has no such section. Drift tests compare the two.
     */
    public static Optional<String> markdownSection(String document, String name) {
        int begin = document.indexOf(beginMarker(name));
        int end = document.indexOf(endMarker(name));
        return begin < 0 || end < begin ? Optional.empty()
                : Optional.of(document.substring(begin, end + endMarker(name).length()));
    }

    private static String beginMarker(String name) {
        return "<!-- " + name + ":begin -->\n";
    }

    private static String endMarker(String name) {
        return "<!-- " + name + ":end -->";
    }
}
