package io.ha4neo.schemas.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Parsed, validated configuration values of one {@link ConfigDef}. */
public final class ConfigValues {
    /** What a masked value is shown as. */
    public static final String MASK = "********";

    /**
     * Name fragments of pass-through keys whose values are secrets: passwords and passphrases (e.g.
     * {@code ssl.key.password}), private key material ({@code ssl.keystore.key}), JAAS configuration (holds
     * passwords inline), OAuth client secrets and tokens, credentials, and HTTP basic-auth user info
     * ({@code basic.auth.user.info} is {@code user:password}). Certificates and trust material are public.
     */
    private static final List<String> SECRET_NAME_PARTS = List.of("password", "passphrase", "secret", "token", "jaas",
            "credential", "user.info", "userinfo");

    private final ConfigDef def;
    private final Map<String, Object> values;
    private final Map<String, Map<String, String>> passThrough;

    ConfigValues(ConfigDef def, Map<String, Object> values, Map<String, Map<String, String>> passThrough) {
        this.def = def;
        this.values = values;
        this.passThrough = passThrough;
    }

    /** A STRING (or PASSWORD) value; null for an optional key without default that is not set. */
    public String getString(String name) {
        return (String) get(name);
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public long getLong(String name) {
        return (Long) get(name);
    }

    /** A LONG value of an optional key without default: empty when not set. */
    public OptionalLong getOptionalLong(String name) {
        Long v = (Long) get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
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

    /** Pass-through properties below a declared sub-prefix, with the sub-prefix removed; forced settings included. */
    public Map<String, String> passThrough(String subPrefix) {
        return passThrough.getOrDefault(subPrefix, Map.of());
    }

    /**
     * The effective configuration as one line, secrets masked: the declared keys in declaration order (PASSWORD
     * values masked unless empty), then the pass-through keys not declared, sorted, masked when their name
     * {@linkplain #isSecretName looks secret}.
     */
    public String describeMasked() {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        for (ConfigDef.Key k : def.keys()) {
            Object v = values.get(k.name());
            boolean masked = k.type() == ConfigDef.Type.PASSWORD && v != null && !String.valueOf(v).isEmpty();
            out.add(def.prefix() + k.name() + "=" + (masked ? MASK : v));
        }
        passThrough.forEach((p, m) -> new TreeMap<>(m).forEach((k, v) -> {
            if (!values.containsKey(p + k)) {
                out.add(def.prefix() + p + k + "=" + (isSecretName(k) ? MASK : v));
            }
        }));
        return out.toString();
    }

    /** True when a pass-through key's name says its value is a secret or key material (see {@link #SECRET_NAME_PARTS}). */
    static boolean isSecretName(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith(".key") || SECRET_NAME_PARTS.stream().anyMatch(k::contains);
    }
}
