package io.ha4neo.applier.config;

import io.ha4neo.applier.apply.ApplyWindow;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.ha4neo.schemas.config.ConfigDef;
import io.ha4neo.schemas.config.ConfigDef.Type;
import io.ha4neo.schemas.config.ConfigException;
import io.ha4neo.schemas.config.ConfigValues;
import io.ha4neo.schemas.topology.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * The applier's configuration: every key declared once in {@link #DEF}, read from a properties file and
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
 * Any other unknown key is an error naming it: a typo must never silently mean "default". Errors are
 * {@link ConfigException}s naming the key.
 */
public final class ApplierConfig {
    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = "HA4NEO_";
    /** Name of the README section that holds the generated reference ({@code <!-- applier-config:begin -->}). */
    public static final String README_SECTION = "applier-config";
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
    public static final String MEMBER_NAME = "member.name";
    public static final String METRICS_PORT = "metrics.port";
    public static final String BATCH_MAX_TRANSACTIONS = "batch.max.transactions";
    public static final String BATCH_MAX_CHANGES = "batch.max.changes";
    public static final String BATCH_LINGER_MS = "batch.linger.ms";
    public static final String READY_MAX_LAG_MS = "ready.max.lag.ms";
    public static final String RETRY_BACKOFF_INITIAL_MS = "retry.backoff.initial.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String SCHEMA_AWAIT_SECONDS = "schema.await.indexes.seconds";
    public static final String SKIP_COMMIT_ID = "skip.commit.id";
    public static final String MEMBER_ROLE_CHECK_INTERVAL_MS = "member.role.check.interval.ms";
    public static final String APPLY_UNTIL_COMMIT_ID = "apply.until.commit.id";
    public static final String APPLY_UNTIL_EPOCH = "apply.until.epoch";
    public static final String APPLY_UNTIL_COMMIT_TIME = "apply.until.commit.time";
    public static final String APPLY_DELAY_MS = "apply.delay.ms";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String CASCADE_TOPIC = "cascade.topic";

    /** Every key, declared once. Order is the order of the reference table. */
    public static final ConfigDef DEF = new ConfigDef("")
            .define(NEO4J_URI, Type.STRING, ConfigDef.REQUIRED, ConfigDef.matches("(bolt|neo4j)(\\+s|\\+ssc)?://.+",
                    "a bolt:// or neo4j:// URI"), "Bolt URI of the standby Neo4j, e.g. `bolt://standby:7687`.")
            .define(NEO4J_USER, Type.STRING, "neo4j", "User the applier authenticates as.")
            .define(NEO4J_PASSWORD, Type.PASSWORD, "", "Password; empty turns authentication off.")
            .define(NEO4J_DATABASE, Type.STRING, "neo4j", ConfigDef.nonEmpty(), "Standby database the log is applied to.")
            .define(TOPIC, Type.STRING, ConfigDef.REQUIRED, ConfigDef.nonEmpty(),
                    "Replication topic (one partition) to consume.")
            .define(KAFKA_BOOTSTRAP, Type.STRING, ConfigDef.REQUIRED, ConfigDef.nonEmpty(),
                    "Kafka bootstrap servers. Every other `kafka.*` key is passed to the consumer without the prefix.")
            .define(MEMBER_NAME, Type.STRING, null, ConfigDef.matches("[A-Za-z0-9._-]{1,100}",
                    "1 to 100 ASCII letters, digits, '.', '_' or '-'"), "Name of the member (the standby) this "
                    + "applier writes to, as in the cluster description. It names the consumer group "
                    + "`ha4neo-applier-<topic>-<member.name>`, so each standby's lag shows separately in lag tools; "
                    + "the appliers of one standby share it, and exactly one of them applies (see docs/applier.md, "
                    + "several appliers). Default: host and port of `neo4j.uri`, e.g. `standby-7687`.")
            .define(KAFKA_GROUP_ID, Type.STRING, null, "Consumer group, used only so lag tools can see the "
                    + "applier's progress and to choose the one applier of a standby that applies; default "
                    + "`ha4neo-applier-<topic>-<member.name>`.")
            .define(METRICS_PORT, Type.INT, "9404", ConfigDef.portOrZero(),
                    "Port of `/metrics`, `/health` and `/ready`; 0 turns the endpoint off.")
            .define(BATCH_MAX_TRANSACTIONS, Type.INT, "500", ConfigDef.atLeast(1),
                    "Most transactions applied in one standby transaction.")
            .define(BATCH_MAX_CHANGES, Type.INT, "20000", ConfigDef.atLeast(1), "Most changes in one standby "
                    + "transaction (a single larger transaction is still applied whole).")
            .define(BATCH_LINGER_MS, Type.LONG, "5", ConfigDef.atLeast(0),
                    "How long to wait for more records before applying a partial batch.")
            .define(READY_MAX_LAG_MS, Type.LONG, "10000", ConfigDef.atLeast(0),
                    "`/ready` answers 503 when the standby lags more than this.")
            .define(RETRY_BACKOFF_INITIAL_MS, Type.LONG, "500", ConfigDef.atLeast(1),
                    "First delay after a retriable error; doubles on each consecutive failure.")
            .define(RETRY_BACKOFF_MAX_MS, Type.LONG, "30000", ConfigDef.atLeast(1), "Longest delay between retries.")
            .define(SCHEMA_AWAIT_SECONDS, Type.INT, "300", ConfigDef.atLeast(1), "After a replicated index or "
                    + "constraint, wait up to this long for it to come online before applying later data.")
            .define(MEMBER_ROLE_CHECK_INTERVAL_MS, Type.LONG, "500", ConfigDef.atLeast(1), "How often the applier asks "
                    + "its member for its role (`CALL ha4neo.role()`). It applies only while the member is a standby; "
                    + "while it is the primary or fenced, the applier idles in state PAUSED (see docs/applier.md).")
            .define(SKIP_COMMIT_ID, Type.LONG, null, ConfigDef.atLeast(1), "Operator escape hatch: apply an empty "
                    + "transaction for exactly this commit id when it is the next one in the chain (see "
                    + "docs/applier.md). Remove it after use.")
            .define(APPLY_UNTIL_COMMIT_ID, Type.LONG, null, ConfigDef.atLeast(0), "Point in time: apply up to and "
                    + "including this commit id, then hold (state HELD; nothing after it is applied) until restarted "
                    + "without it. Commit ids restart with every epoch: name the epoch too after roles moved.")
            .define(APPLY_UNTIL_EPOCH, Type.LONG, null, ConfigDef.atLeast(0), "The epoch of "
                    + "`apply.until.commit.id` (default: the commit id is compared in whatever epoch the log is in).")
            .define(APPLY_UNTIL_COMMIT_TIME, Type.STRING, null, ConfigDef.matches(
                    "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?Z", "an ISO-8601 UTC instant such as "
                    + "2026-12-02T10:15:30Z"), "Point in time: hold before the first transaction the primary "
                    + "committed after this instant (UTC, e.g. `2026-12-02T10:15:30Z`).")
            .define(APPLY_DELAY_MS, Type.LONG, "0", ConfigDef.atLeast(0), "A delayed standby: apply each "
                    + "transaction only this long after its commit on the primary (0: at once), like MySQL's "
                    + "SOURCE_DELAY. Set `ready.max.lag.ms` above it. See docs/applier.md, point in time.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "", ConfigDef.httpUrlOrEmpty(), "Base URL of the "
                    + "Confluent-compatible Schema Registry the primary's plugin registers with "
                    + "(`ha4neo.schema.registry.url`), e.g. `http://registry:8081`. Empty: embedded mode. Set: the "
                    + "applier fetches each writer schema id from the registry when it first sees it, and caches it; "
                    + "while the registry cannot be asked it retries with back-off (`registry_unavailable`), and an "
                    + "id the registry does not know stops it (`decode`).")
            .define(SCHEMA_REGISTRY_USER_INFO, Type.PASSWORD, "", "HTTP basic authentication for the Schema "
                    + "Registry, `user:password`. Empty: none.")
            .define(CASCADE_TOPIC, Type.STRING, "", ConfigDef.matches("([a-zA-Z0-9._-]{1,249})?",
                    "empty or a Kafka topic name"), "Cascading (MySQL's `log_replica_updates`): copy every record this "
                    + "standby has applied, byte for byte and in order, to this topic on the same Kafka cluster, so that "
                    + "a further standby can follow this one (its applier's `topic`). Only what the standby has "
                    + "committed is copied; the copy resumes exactly where it stopped after any crash, in Kafka "
                    + "transactions. Must differ from `topic`, and must not be a primary's log. Empty: off. See "
                    + "docs/cascading.md.")
            .passThrough(KAFKA_PREFIX, "Passed to the Kafka consumer without the prefix.", FORCED_CONSUMER_SETTINGS,
                    "the applier positions from the standby's watermark and applies only committed transactions")
            .environmentOverrides(ENV_PREFIX);

    private final ConfigValues values;

    private ApplierConfig(ConfigValues values) {
        this.values = values;
    }

    /** Reads {@code file} (may be null), applies environment overrides, validates. */
    public static ApplierConfig load(Path file, Map<String, String> env) {
        return checked(DEF.load(file, env));
    }

    /** Parses and validates raw key/value pairs; throws {@link ConfigException} naming the key. */
    public static ApplierConfig parse(Map<String, String> raw) {
        return checked(DEF.parse(raw));
    }

    private static ApplierConfig checked(ConfigValues values) {
        ApplierConfig config = new ApplierConfig(values);
        config.checkCrossKeyRules();
        return config;
    }

    /** Rules spanning several keys, all checked here. */
    private void checkCrossKeyRules() {
        if (values.getOptionalLong(APPLY_UNTIL_EPOCH).isPresent() && applyUntilCommitId().isEmpty()) {
            throw new ConfigException(APPLY_UNTIL_EPOCH, "is the epoch of " + APPLY_UNTIL_COMMIT_ID + ", which is not "
                    + "set; set both, or neither");
        }
        applyUntilCommitTime(); // parses it: an impossible date is named here, at start-up
        memberName(); // derives it from neo4j.uri when not set: a URI it cannot parse is named here
        String userInfo = values.getString(SCHEMA_REGISTRY_USER_INFO);
        if (!userInfo.isEmpty() && schemaRegistryUrl().isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_USER_INFO, "is set but " + SCHEMA_REGISTRY_URL + " is empty "
                    + "(embedded mode, no registry): set the URL, or remove it");
        }
        if (!userInfo.isEmpty() && userInfo.indexOf(':') < 0) {
            throw new ConfigException(SCHEMA_REGISTRY_USER_INFO, "must be user:password");
        }
        if (cascadeTopic().filter(topic()::equals).isPresent()) {
            throw new ConfigException(CASCADE_TOPIC, "is the topic this applier reads (" + topic() + "): a standby "
                    + "cannot copy its log into itself; name another topic, or leave it empty");
        }
        if (retryBackoffMax().compareTo(retryBackoffInitial()) < 0) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, "must be >= " + RETRY_BACKOFF_INITIAL_MS + " ("
                    + retryBackoffMax().toMillis() + " < " + retryBackoffInitial().toMillis() + "); raise it or "
                    + "lower " + RETRY_BACKOFF_INITIAL_MS);
        }
    }

    // ---------------------------------------------------------------- typed accessors

    public String neo4jUri() { return values.getString(NEO4J_URI); }
    public String neo4jUser() { return values.getString(NEO4J_USER); }
    public String neo4jPassword() { return values.getString(NEO4J_PASSWORD); }
    public String neo4jDatabase() { return values.getString(NEO4J_DATABASE); }
    public String topic() { return values.getString(TOPIC); }
    public int metricsPort() { return values.getInt(METRICS_PORT); }
    public int batchMaxTransactions() { return values.getInt(BATCH_MAX_TRANSACTIONS); }
    public int batchMaxChanges() { return values.getInt(BATCH_MAX_CHANGES); }
    public Duration batchLinger() { return Duration.ofMillis(values.getLong(BATCH_LINGER_MS)); }
    public Duration readyMaxLag() { return Duration.ofMillis(values.getLong(READY_MAX_LAG_MS)); }
    public Duration retryBackoffInitial() { return Duration.ofMillis(values.getLong(RETRY_BACKOFF_INITIAL_MS)); }
    public Duration retryBackoffMax() { return Duration.ofMillis(values.getLong(RETRY_BACKOFF_MAX_MS)); }
    public int schemaAwaitSeconds() { return values.getInt(SCHEMA_AWAIT_SECONDS); }
    public Duration memberRoleCheckInterval() {
        return Duration.ofMillis(values.getLong(MEMBER_ROLE_CHECK_INTERVAL_MS));
    }

    /** The Schema Registry's base URL in registry mode; empty in embedded mode (the default). */
    public java.util.Optional<java.net.URI> schemaRegistryUrl() {
        String url = values.getString(SCHEMA_REGISTRY_URL);
        return url.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(java.net.URI.create(url));
    }

    /** {@code user:password} for the registry's basic authentication, or empty. */
    public String schemaRegistryUserInfo() {
        return values.getString(SCHEMA_REGISTRY_USER_INFO);
    }

    /** The topic a cascading applier copies what its standby applied to; empty when cascading is off. */
    public java.util.Optional<String> cascadeTopic() {
        String topic = values.getString(CASCADE_TOPIC);
        return topic.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(topic);
    }

    /**
     * Kafka client properties for the cascade relay's own clients: the connection settings of the pass-through
     * {@code kafka.*} keys (bootstrap servers, {@code security.*}, {@code sasl.*}, {@code ssl.*}), none of the
     * consumer's tuning.
     */
    public Properties cascadeConnectionProperties() {
        Properties p = new Properties();
        values.passThrough(KAFKA_PREFIX).forEach((k, v) -> {
            if (k.equals("bootstrap.servers") || k.startsWith("security.") || k.startsWith("sasl.")
                    || k.startsWith("ssl.")) {
                p.put(k, v);
            }
        });
        return p;
    }

    /** The commit id the operator asked to skip, if any. */
    public OptionalLong skipCommitId() {
        return values.getOptionalLong(SKIP_COMMIT_ID);
    }

    private OptionalLong applyUntilCommitId() {
        return values.getOptionalLong(APPLY_UNTIL_COMMIT_ID);
    }

    private OptionalLong applyUntilCommitTime() {
        String text = values.getString(APPLY_UNTIL_COMMIT_TIME);
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Instant.parse(text).toEpochMilli());
        } catch (DateTimeParseException e) {
            throw new ConfigException(APPLY_UNTIL_COMMIT_TIME, "'" + text + "' is not a valid instant ("
                    + e.getMessage() + "); use e.g. 2026-12-02T10:15:30Z");
        }
    }

    /** The point-in-time window: {@code apply.until.*} and {@code apply.delay.ms}. */
    public ApplyWindow applyWindow() {
        return new ApplyWindow(applyUntilCommitId(), values.getOptionalLong(APPLY_UNTIL_EPOCH), applyUntilCommitTime(),
                values.getLong(APPLY_DELAY_MS));
    }

    /** True when {@link #neo4jPassword()} is empty, i.e. the standby runs without authentication. */
    public boolean neo4jAuthDisabled() {
        return neo4jPassword().isEmpty();
    }

    /**
     * The member this applier writes to: {@code member.name}, or host and port of {@code neo4j.uri}
     * ({@code standby-7687}; characters other than letters, digits, '.', '_' and '-' become '_').
     */
    public String memberName() {
        String configured = values.getString(MEMBER_NAME);
        if (configured != null) {
            return configured;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(neo4jUri());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(NEO4J_URI, "'" + neo4jUri() + "' is not a URI (" + e.getMessage() + "), so no "
                    + MEMBER_NAME + " can be derived from it; fix it, or set " + MEMBER_NAME);
        }
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        return (host + "-" + (uri.getPort() < 0 ? 7687 : uri.getPort())).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The consumer group: {@code kafka.group.id}, or {@code ha4neo-applier-<topic>-<member>}. */
    public String consumerGroup() {
        String configured = values.getString(KAFKA_GROUP_ID);
        return configured != null ? configured : TopicNames.applierGroup(topic(), memberName());
    }

    /**
     * Properties for the Kafka consumer: defaults, pass-through {@code kafka.*}, then forced settings.
     *
     * <ul>
     *   <li>{@code group.id}: one group per standby ({@link #consumerGroup()}). Two appliers of one standby share it,
     *       and the group gives the topic's one partition to exactly one of them; the other is PASSIVE until the
     *       group gives the partition to it. The standby's watermark (a compare-and-set in every apply transaction)
     *       keeps even a stalled former holder from applying anything twice.</li>
     *   <li>{@code group.instance.id} {@code <group>-<host name>} (static membership): an applier restarted on its
     *       host, after a kill -9 too, gets the partition back at once. Two appliers of one standby on one host
     *       must each set {@code kafka.group.instance.id}.</li>
     *   <li>{@code session.timeout.ms} 6000 (the broker's minimum by default) and {@code heartbeat.interval.ms} 1000:
     *       when the applier that holds the partition dies, a passive one takes over within about 7 s.</li>
     *   <li>{@code partition.assignment.strategy} sticky: a passive applier joining the group does not take the
     *       partition away from the one applying.</li>
     * </ul>
     */
    public Properties consumerProperties(String hostName) {
        Properties p = new Properties();
        String group = consumerGroup();
        String instance = (group + "-" + hostName).replaceAll("[^A-Za-z0-9._-]", "_");
        p.put("group.id", group);
        p.put("group.instance.id", instance.length() > 249 ? instance.substring(0, 249) : instance);
        p.put("client.id", group);
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "1000");
        p.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor");
        p.putAll(values.passThrough(KAFKA_PREFIX)); // the forced settings are part of it and win
        return p;
    }

    /** {@link #consumerProperties(String)} with this machine's host name ({@code HOSTNAME}, else the resolver's). */
    public Properties consumerProperties() {
        return consumerProperties(localHostName());
    }

    private static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** The effective configuration as one line, secrets masked; logged once at start-up. */
    public String describe() {
        return values.describeMasked();
    }
}
