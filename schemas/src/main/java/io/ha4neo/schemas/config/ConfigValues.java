package io.ha4neo.schemas.config;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Parsed, validated configuration values of one {@link ConfigDef}. */
public final class ConfigValues {
    private final ConfigDef def;
    private final Map<String, Object> values;
    private final Map<String, Map<String, String>> passThrough;

    ConfigValues(ConfigDef def, Map<String, Object> values, Map<String, Map<String, String>> passThrough) {
        this.def = def;
        this.values = values;
        this.passThrough = passThrough;
    }

    public String getString(String name) {
        return (String) get(name);
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public long getLong(String name) {
        return (Long) get(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    private Object get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("configuration key " + def.prefix() + name + " is not declared");
        }
        return values.get(name);
    }

    /** Pass-through properties below a declared sub-prefix, with the sub-prefix removed. */
    public Map<String, String> passThrough(String subPrefix) {
        return passThrough.getOrDefault(subPrefix, Map.of());
    }

    /**
     * The effective configuration as one line, secrets masked: PASSWORD keys, and pass-through keys whose
     * name mentions password, secret, token, sasl.jaas.config or key (ssl key material).
     */
    public String describeMasked() {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        for (ConfigDef.Key k : def.keys()) {
            Object v = values.get(k.name());
            boolean masked = k.type() == ConfigDef.Type.PASSWORD && v != null && !String.valueOf(v).isEmpty();
            out.add(def.prefix() + k.name() + "=" + (masked ? "********" : v));
        }
        passThrough.forEach((p, m) -> new TreeMap<>(m).forEach((k, v) ->
                out.add(def.prefix() + p + k + "=" + (isSecretName(k) ? "********" : v))));
        return out.toString();
    }

    static boolean isSecretName(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("jaas")
                || k.endsWith(".key") || k.contains("credentials");
    }
}
