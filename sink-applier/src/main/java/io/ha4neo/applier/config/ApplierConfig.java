package io.ha4neo.applier.config;

import static io.ha4neo.applier.config.ConfigKey.Type.INT;
import static io.ha4neo.applier.config.ConfigKey.Type.LONG;
import static io.ha4neo.applier.config.ConfigKey.Type.STRING;

import io.ha4neo.schemas.topology.TopicNames;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The applier's configuration: every key declared once in {@link #KEYS}, read from a properties file and
 * overridden by environment variables {@code HA4NEO_<KEY>} (upper case, dots to underscores).
 *
 * <p>Usage:
 * <pre>{@code
 * ApplierConfig config = ApplierConfig.load(Path.of("applier.properties"), System.getenv());
 * log.info("effective configuration: {}", config.describe());   // secrets masked
 * }</pre>
 *
 * <p>Keys under {@code kafka.} are passed to the Kafka consumer with the prefix removed; a few consumer
 * settings are forced because correctness depends on them (see {@link #FORCED_CONSUMER_SETTINGS}).
 * Any other unknown key is an error naming it: a typo must never silently mean "default".
 */
public final class ApplierConfig {
    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = "HA4NEO_";
    /** Prefix of keys passed through to the Kafka consumer. */
    public static final String KAFKA_PREFIX = "kafka.";

    /**
     * Consumer settings the applier owns. Positioning comes from the standby's watermark, so Kafka must
     * never commit on its own; only committed producer transactions may be applied; and an empty
     * standby starts from the beginning of the log.
     */
    public static final Map<String, String> FORCED_CONSUMER_SETTINGS = Map.of(
            "enable.auto.commit", "false",
            "isolation.level", "read_committed",
            "auto.offset.reset", "earliest",
            "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
            "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");

    public static final String NEO4J_URI = "neo4j.uri";
    public static final String NEO4J_USER = "neo4j.user";
    public static final String NEO4J_PASSWORD = "neo4j.password";
    public static final String NEO4J_DATABASE = "neo4j.database";
    public static final String TOPIC = "topic";
    public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
    public static final String KAFKA_GROUP_ID = "kafka.group.id";
    public static final String METRICS_PORT = "metrics.port";
    public static final String BATCH_MAX_TRANSACTIONS = "batch.max.transactions";
    public static final String BATCH_MAX_CHANGES = "batch.max.changes";
    public static final String BATCH_LINGER_MS = "batch.linger.ms";
    public static final String READY_MAX_LAG_MS = "ready.max.lag.ms";
    public static final String RETRY_BACKOFF_INITIAL_MS = "retry.backoff.initial.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String SCHEMA_AWAIT_SECONDS = "schema.await.indexes.seconds";
    public static final String SKIP_COMMIT_ID = "skip.commit.id";

    /** Every key, declared once. Order is the order of the reference table. */
    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.required(NEO4J_URI, STRING, "Bolt URI of the standby Neo4j, e.g. `bolt://standby:7687`.")
                    .validatedBy(v -> ((String) v).matches("(bolt|neo4j)(\\+s|\\+ssc)?://.+") ? null
                            : "must be a bolt:// or neo4j:// URI"),
            ConfigKey.optional(NEO4J_USER, STRING, "neo4j", "User the applier authenticates as."),
            ConfigKey.optional(NEO4J_PASSWORD, STRING, "", "Password; empty turns authentication off.").asSecret(),
            ConfigKey.optional(NEO4J_DATABASE, STRING, "neo4j", "Standby database the log is applied to.")
                    .validatedBy(ConfigKey.nonBlank()),
            ConfigKey.required(TOPIC, STRING, "Replication topic (one partition) to consume.")
                    .validatedBy(ConfigKey.nonBlank()),
            ConfigKey.required(KAFKA_BOOTSTRAP, STRING, "Kafka bootstrap servers. Every other `kafka.*` key is "
                    + "passed to the consumer without the prefix.").validatedBy(ConfigKey.nonBlank()),
            ConfigKey.optional(KAFKA_GROUP_ID, STRING, null, "Consumer group, used only so lag tools can see the "
                    + "applier's progress; default `ha4neo-applier-<topic>`."),
            ConfigKey.optional(METRICS_PORT, INT, "9404", "Port of `/metrics`, `/health` and `/ready`; 0 turns "
                    + "the endpoint off.").validatedBy(ConfigKey.portOrZero()),
            ConfigKey.optional(BATCH_MAX_TRANSACTIONS, INT, "500", "Most transactions applied in one standby "
                    + "transaction.").validatedBy(ConfigKey.atLeast(1)),
            ConfigKey.optional(BATCH_MAX_CHANGES, INT, "20000", "Most changes in one standby transaction (a single "
                    + "larger transaction is still applied whole).").validatedBy(ConfigKey.atLeast(1)),
            ConfigKey.optional(BATCH_LINGER_MS, LONG, "5", "How long to wait for more records before applying a "
                    + "partial batch.").validatedBy(ConfigKey.atLeast(0)),
            ConfigKey.optional(READY_MAX_LAG_MS, LONG, "10000", "`/ready` answers 503 when the standby lags more "
                    + "than this.").validatedBy(ConfigKey.atLeast(0)),
            ConfigKey.optional(RETRY_BACKOFF_INITIAL_MS, LONG, "500", "First delay after a retriable error; "
                    + "doubles on each consecutive failure.").validatedBy(ConfigKey.atLeast(1)),
            ConfigKey.optional(RETRY_BACKOFF_MAX_MS, LONG, "30000", "Longest delay between retries.")
                    .validatedBy(ConfigKey.atLeast(1)),
            ConfigKey.optional(SCHEMA_AWAIT_SECONDS, INT, "300", "After a replicated index or constraint, wait up "
                    + "to this long for it to come online before applying later data.")
                    .validatedBy(ConfigKey.atLeast(1)),
            ConfigKey.optional(SKIP_COMMIT_ID, LONG, null, "Operator escape hatch: apply an empty transaction for "
                    + "exactly this commit id when it is the next one in the chain (see docs/applier.md). "
                    + "Remove it after use.").validatedBy(ConfigKey.atLeast(1)));

    private static final Map<String, ConfigKey> BY_NAME = index();

    private final Map<String, Object> values;
    private final Map<String, String> kafka;

    private ApplierConfig(Map<String, Object> values, Map<String, String> kafka) {
        this.values = values;
        this.kafka = kafka;
    }

    /** Reads {@code file} (may be null), applies environment overrides, validates. */
    public static ApplierConfig load(Path file, Map<String, String> env) {
        Map<String, String> raw = file == null ? new TreeMap<>() : readFile(file);
        raw.putAll(fromEnvironment(env));
        return parse(raw);
    }

    /** Parses and validates raw key/value pairs; throws {@link ConfigException} naming the key. */
    public static ApplierConfig parse(Map<String, String> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> kafka = new TreeMap<>();
        raw.forEach((k, v) -> accept(k, v, values, kafka));
        for (ConfigKey key : KEYS) {
            values.computeIfAbsent(key.name(), n -> parseValue(key, key.defaultValue()));
            if (key.required() && values.get(key.name()) == null) {
                throw new ConfigException(key.name() + " is required: " + key.doc() + " Set it in the config file "
                        + "or as " + key.envName() + ".");
            }
        }
        ApplierConfig config = new ApplierConfig(values, kafka);
        config.checkCrossKeyRules();
        return config;
    }

    private static void accept(String name, String value, Map<String, Object> values, Map<String, String> kafka) {
        ConfigKey key = BY_NAME.get(name);
        if (key != null) {
            values.put(name, parseValue(key, value));
            if (name.startsWith(KAFKA_PREFIX)) {
                kafka.put(name.substring(KAFKA_PREFIX.length()), value);
            }
        } else if (name.startsWith(KAFKA_PREFIX) && name.length() > KAFKA_PREFIX.length()) {
            kafka.put(name.substring(KAFKA_PREFIX.length()), value);
        } else {
            throw new ConfigException("unknown configuration key '" + name + "'; known keys are " + BY_NAME.keySet()
                    + " and kafka.* (passed to the consumer). Fix the name and restart.");
        }
    }

    private static Object parseValue(ConfigKey key, String raw) {
        if (raw == null || (raw.isEmpty() && key.type() != STRING)) {
            return null;
        }
        Object parsed;
        try {
            parsed = key.type().parse(raw);
        } catch (RuntimeException e) {
            throw new ConfigException(key.name() + "='" + raw + "' is not a valid " + key.type() + " value");
        }
        String problem = key.validator().apply(parsed);
        if (problem != null) {
            throw new ConfigException(key.name() + "=" + (key.secret() ? "****" : raw) + " is invalid: " + problem);
        }
        return parsed;
    }

    /** Rules spanning several keys, all checked here. */
    private void checkCrossKeyRules() {
        if (retryBackoffMax().compareTo(retryBackoffInitial()) < 0) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS + " must be >= " + RETRY_BACKOFF_INITIAL_MS
                    + " (" + retryBackoffMax().toMillis() + " < " + retryBackoffInitial().toMillis() + ")");
        }
        FORCED_CONSUMER_SETTINGS.forEach((k, forced) -> {
            String given = kafka.get(k);
            if (given != null && !given.equals(forced)) {
                throw new ConfigException(KAFKA_PREFIX + k + "=" + given + " is not allowed: the applier needs "
                        + k + "=" + forced + " (it positions from the standby's watermark). Remove the key.");
            }
        });
    }

    // ---------------------------------------------------------------- sources

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> raw = new TreeMap<>();
        p.stringPropertyNames().forEach(n -> raw.put(n.trim(), p.getProperty(n).trim()));
        return raw;
    }

    /**
     * Maps {@code HA4NEO_*} variables to keys: a declared key's {@link ConfigKey#envName()}, or
     * {@code HA4NEO_KAFKA_X_Y} to {@code kafka.x.y} (Kafka's own keys contain no underscores).
     */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> raw = new TreeMap<>();
        env.forEach((var, value) -> {
            if (var.startsWith(ENV_PREFIX)) {
                raw.put(keyForEnv(var), value);
            }
        });
        return raw;
    }

    private static String keyForEnv(String var) {
        for (ConfigKey key : KEYS) {
            if (key.envName().equals(var)) {
                return key.name();
            }
        }
        if (var.startsWith(ENV_PREFIX + "KAFKA_")) {
            return var.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        throw new ConfigException("unknown environment variable " + var + "; variables under " + ENV_PREFIX
                + " must name a configuration key (e.g. " + KEYS.get(0).envName() + ") or HA4NEO_KAFKA_*.");
    }

    // ---------------------------------------------------------------- typed accessors

    public String neo4jUri() { return (String) values.get(NEO4J_URI); }
    public String neo4jUser() { return (String) values.get(NEO4J_USER); }
    public String neo4jPassword() { return (String) values.get(NEO4J_PASSWORD); }
    public String neo4jDatabase() { return (String) values.get(NEO4J_DATABASE); }
    public String topic() { return (String) values.get(TOPIC); }
    public int metricsPort() { return (Integer) values.get(METRICS_PORT); }
    public int batchMaxTransactions() { return (Integer) values.get(BATCH_MAX_TRANSACTIONS); }
    public int batchMaxChanges() { return (Integer) values.get(BATCH_MAX_CHANGES); }
    public Duration batchLinger() { return Duration.ofMillis((Long) values.get(BATCH_LINGER_MS)); }
    public Duration readyMaxLag() { return Duration.ofMillis((Long) values.get(READY_MAX_LAG_MS)); }
    public Duration retryBackoffInitial() { return Duration.ofMillis((Long) values.get(RETRY_BACKOFF_INITIAL_MS)); }
    public Duration retryBackoffMax() { return Duration.ofMillis((Long) values.get(RETRY_BACKOFF_MAX_MS)); }
    public int schemaAwaitSeconds() { return (Integer) values.get(SCHEMA_AWAIT_SECONDS); }

    /** The commit id the operator asked to skip, if any. */
    public OptionalLong skipCommitId() {
        Long id = (Long) values.get(SKIP_COMMIT_ID);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** True when {@link #neo4jPassword()} is empty, i.e. the standby runs without authentication. */
    public boolean neo4jAuthDisabled() {
        return neo4jPassword().isEmpty();
    }

    /**
     * Properties for the Kafka consumer: defaults, pass-through {@code kafka.*}, then forced settings.
     *
     * <p>{@code group.instance.id} defaults to a fixed name (static membership): a restarted applier, after a
     * crash or kill -9 too, takes over the partition at once instead of waiting for the dead member's session
     * to time out (45 s by default). Exactly one applier runs per topic and standby, so one fixed name fits.
     */
    public Properties consumerProperties() {
        Properties p = new Properties();
        p.put("group.id", TopicNames.defaultApplierGroup(topic()));
        p.put("group.instance.id", TopicNames.defaultApplierGroup(topic()));
        p.put("client.id", TopicNames.defaultApplierGroup(topic()));
        p.putAll(kafka);
        p.putAll(FORCED_CONSUMER_SETTINGS);
        return p;
    }

    /** The effective configuration as one line, secrets masked; logged once at start-up. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        for (ConfigKey key : KEYS) {
            Object v = values.get(key.name());
            shown.put(key.name(), key.secret() && v != null && !v.toString().isEmpty() ? "****" : String.valueOf(v));
        }
        kafka.forEach((k, v) -> shown.put(KAFKA_PREFIX + k, isSecretKafkaKey(k) ? "****" : v));
        return shown.toString();
    }

    private static boolean isSecretKafkaKey(String k) {
        String lower = k.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("jaas") || lower.contains("secret")
                || lower.contains("token") || lower.contains("key.password");
    }

    /** The configuration reference as a Markdown table, generated from {@link #KEYS}. */
    public static String markdownReference() {
        StringBuilder md = new StringBuilder("| Key | Environment variable | Type | Default | Description |\n"
                + "|---|---|---|---|---|\n");
        for (ConfigKey key : KEYS) {
            String def = key.required() ? "*(required)*" : key.defaultValue() == null ? "*(unset)*"
                    : key.defaultValue().isEmpty() ? "*(empty)*" : "`" + key.defaultValue() + "`";
            md.append("| `").append(key.name()).append("` | `").append(key.envName()).append("` | ")
                    .append(key.type().name().toLowerCase(Locale.ROOT)).append(" | ").append(def).append(" | ")
                    .append(key.doc()).append(key.secret() ? " Secret: masked in logs." : "").append(" |\n");
        }
        md.append("| `kafka.*` | `HA4NEO_KAFKA_*` | string | | Passed to the Kafka consumer without the prefix. ")
                .append("Forced: ").append(new TreeMap<>(FORCED_CONSUMER_SETTINGS).keySet()).append(". |\n");
        return md.toString();
    }

    private static Map<String, ConfigKey> index() {
        Map<String, ConfigKey> map = new LinkedHashMap<>();
        List<String> dup = new ArrayList<>();
        KEYS.forEach(k -> { if (map.put(k.name(), k) != null) dup.add(k.name()); });
        if (!dup.isEmpty()) {
            throw new IllegalStateException("configuration keys declared twice: " + dup);
        }
        return map;
    }
}
