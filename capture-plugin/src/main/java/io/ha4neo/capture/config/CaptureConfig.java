package io.ha4neo.capture.config;

import io.ha4neo.capture.spool.EventSpool;
import io.ha4neo.schemas.config.ConfigDef;
import io.ha4neo.schemas.config.ConfigDef.Type;
import io.ha4neo.schemas.config.ConfigException;
import io.ha4neo.schemas.config.ConfigValues;
import io.ha4neo.schemas.topology.Role;
import io.ha4neo.schemas.topology.TopicNames;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The plugin's configuration: keys under {@code ha4neo.} in neo4j.conf, each declared once in {@link #DEF}.
 * Kafka producer properties pass through under {@code ha4neo.kafka.}. Rules spanning several keys are
 * checked in {@link #validateCrossKey}.
 */
public final class CaptureConfig {
    public static final String PREFIX = "ha4neo.";
    public static final String KAFKA_PREFIX = "kafka.";

    /** Durability promise of a commit with respect to Kafka. */
    public enum Durability {
        /** The commit never waits for Kafka; events are spooled to local disk and published in order. */
        ASYNC,
        /** The commit waits until Kafka acknowledged its event (acks=all), up to a timeout, then falls back to async. */
        SEMI_SYNC;

        static Durability parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public static final ConfigDef DEF = new ConfigDef(PREFIX)
            .define("role", Type.STRING, "primary", ConfigDef.oneOf("primary", "standby"),
                    "Role of this member. A primary captures and publishes every commit; a standby captures nothing "
                            + "and accepts writes only from the sink applier.")
            .define("cluster.id", Type.STRING, "local", ConfigDef.nonEmpty(),
                    "Name of the replication cluster (topology). Part of the default topic name and of every event.")
            .define("epoch", Type.LONG, "0", ConfigDef.between(0, Long.MAX_VALUE),
                    "Epoch of the first primary, written into every event. Every promotion (switchover, failover) "
                            + "starts the next epoch; the member's current epoch is then kept in its role file in the "
                            + "spool directory, which wins over this setting.")
            .define("member.name", Type.STRING, "", "Name of this member in the cluster description (the ops CLI's "
                    + "member names), written into the epoch start when it is promoted and into the log's baseline "
                    + "when capture first starts on it. Empty means the host name.")
            .define("database", Type.STRING, "", "Database to capture. Empty means the DBMS default database. "
                    + "The system database is never captured.")
            .define("topic", Type.STRING, "", "Kafka topic of the database. Empty means "
                    + "`ha4neo.<cluster.id>.<database>`.")
            .define("topic.replication.factor", Type.INT, "1", ConfigDef.between(1, 32),
                    "Replication factor used when the plugin creates the topic (use 3 in production).")
            .define("durability", Type.STRING, "async", ConfigDef.oneOf("async", "semi-sync"),
                    "async: commits never wait for Kafka. semi-sync: a commit returns only after Kafka acknowledged "
                            + "its event, up to semi_sync.timeout.ms, then falls back to async until Kafka recovers.")
            .define("semi_sync.timeout.ms", Type.LONG, "2000", ConfigDef.between(1, 600_000),
                    "How long a semi-sync commit waits for Kafka's acknowledgement before falling back to async.")
            .define("semi_sync.on.timeout", Type.STRING, "async", ConfigDef.oneOf("async", "refuse"),
                    "What semi-sync does when Kafka does not acknowledge within semi_sync.timeout.ms. async: the "
                            + "commit returns and commits stop waiting until Kafka catches up (available, but a "
                            + "failover may lose acknowledged commits). refuse: fail closed, the commit keeps waiting "
                            + "and new client writes are refused until Kafka catches up, so every commit a client saw "
                            + "acknowledged is in Kafka: semi-sync is an RPO promise only with refuse.")
            .define("spool.dir", Type.STRING, "", "Directory of the on-disk spool. Empty means "
                    + "`<neo4j home>/data/ha4neo/<database>`.")
            .define("spool.max.bytes", Type.LONG, "1073741824", ConfigDef.between(1 << 20, Long.MAX_VALUE),
                    "Largest size of unpublished events on disk. When full, commits block (logged, metric "
                            + "ha4neo_capture_commits_blocked_seconds) until Kafka accepts events again; space is "
                            + "freed as soon as Kafka acknowledges a batch.")
            .define("spool.archive.retain", Type.INT, "5", ConfigDef.between(0, 10_000), "How many spools of "
                    + "earlier epochs to keep in `<spool dir>/archive/` (each role change moves the spool there, "
                    + "for the operator; a divergent tail is exported on its own). The oldest are deleted when a "
                    + "newer one is archived; 0 keeps none.")
            .define("spool.sync", Type.STRING, "segment", ConfigDef.oneOf("none", "segment", "append"),
                    "When spool writes are forced to disk. append: every commit's event before afterCommit returns "
                            + "(survives an OS crash, costs one flush per commit); segment: each complete segment "
                            + "and the directory on segment create/delete (an OS crash can lose the last "
                            + "segment's unflushed tail, reported as a gap at start-up); none: left to the OS.")
            .define("sequencer.max.pending", Type.INT, "10000", ConfigDef.between(16, 10_000_000),
                    "Committed transactions held in memory while waiting for an earlier commit id's callback; "
                            + "beyond it, commits wait (back-pressure).")
            .define("sequencer.stall.timeout.ms", Type.LONG, "30000", ConfigDef.between(100, 3_600_000),
                    "If a commit id's callback never arrives within this time while later ids wait, the id is "
                            + "reported as a gap (ERROR, status, metric) and capture continues.")
            .define("chunk.max.bytes", Type.INT, "921600", ConfigDef.between(16_384, 100 << 20),
                    "Largest Kafka record value. Larger transactions are split into contiguous chunks, published "
                            + "in one Kafka transaction. Keep below the topic's max.message.bytes.")
            .define("publish.batch.max.events", Type.INT, "1000", ConfigDef.between(1, 1_000_000),
                    "Most events published in one Kafka transaction.")
            .define("publish.linger.ms", Type.LONG, "5", ConfigDef.between(0, 1_000),
                    "How long the publisher waits for more events before it starts a Kafka transaction, so that "
                            + "concurrent commits share one. Adds at most this much to replication lag and to a "
                            + "semi-sync commit.")
            .define("capture.applier.writes", Type.BOOLEAN, "false",
                    "On a primary: accept and capture transactions tagged as a sink applier's (a tool that "
                            + "writes with the applier's tag on purpose). Off by default: a primary refuses them (a "
                            + "stale applier after a promotion), so no write escapes capture. Cascading standbys do "
                            + "not need it: the applier copies what it applied (`cascade.topic`, docs/cascading.md).")
            .define("applier.user", Type.STRING, "", "On a standby: the user the sink applier logs in as. "
                    + "With authentication on, only this user's tagged transactions may write.")
            .define("metrics.port", Type.INT, "0", ConfigDef.between(0, 65535),
                    "Port of the Prometheus /metrics endpoint of this Neo4j process, 0 = off.")
            .define("metrics.address", Type.STRING, "127.0.0.1", "Address the metrics endpoint binds to.")
            .define("epoch.check.interval.ms", Type.LONG, "1000", ConfigDef.between(0, 3_600_000),
                    "While a primary publishes nothing, how often it reads the topic's last record to learn whether "
                            + "another member was promoted (a newer epoch); it then refuses writes and rejoins as a "
                            + "standby. A publish finds out at once. 0 disables the idle check.")
            .define("startup.kafka.timeout.ms", Type.LONG, "60000", ConfigDef.between(1_000, 3_600_000),
                    "At start-up the plugin compares Neo4j's last commit id with the spool and the topic's last "
                            + "record, so that a lost spool becomes an exact gap and never a silent loss. With an "
                            + "empty spool it waits this long for Kafka, then refuses to start the database; with "
                            + "a spool it tries for at most 5 s and resumes from the spool.")
            .define("shutdown.timeout.ms", Type.LONG, "10000", ConfigDef.between(0, 600_000),
                    "On shutdown, how long to wait for spooled events to be published. The rest stay in the "
                            + "spool and are published after the next start.")
            .define("schema.registry.url", Type.STRING, "", ConfigDef.httpUrlOrEmpty(), "Base URL of a "
                    + "Confluent-compatible Schema Registry, e.g. `http://registry:8081`. Empty: embedded mode, records "
                    + "carry the schema id compiled into the jar. Set: registry mode, records carry the registry's id "
                    + "of the event schema, registered under the subject `<topic>-value` with compatibility BACKWARD "
                    + "when capture starts (the database does not start until the registry answered). Set it on "
                    + "every member and the applier's schema.registry.url alike: a topic is written and read in one "
                    + "mode.")
            .define("schema.registry.basic.auth.user.info", Type.PASSWORD, "", "HTTP basic authentication for the "
                    + "Schema Registry, `user:password` (Confluent's basic.auth.user.info). Empty: none.")
            .define("schema.registry.timeout.ms", Type.LONG, "60000", ConfigDef.between(1_000, 3_600_000),
                    "In registry mode, how long capture's start (and a promotion) keeps trying to reach the registry "
                            + "before it refuses to start, naming the URL; each request gives up after at most 10 s. "
                            + "Once started, encoding needs no registry: an outage does not affect commits.")
            .passThrough(KAFKA_PREFIX, "Kafka producer/admin/consumer properties, e.g. "
                    + "`ha4neo.kafka.bootstrap.servers`, SASL and SSL settings. Required: bootstrap.servers.");

    private final ConfigValues values;
    private final String database;
    private final Path spoolDir;

    private CaptureConfig(ConfigValues values, String database, Path spoolDir) {
        this.values = values;
        this.database = database;
        this.spoolDir = spoolDir;
    }

    /**
     * Parses and validates.
     *
     * @param raw all settings of neo4j.conf (only {@code ha4neo.*} keys are looked at)
     * @param defaultDatabase the DBMS default database name
     * @param neo4jHome the server's home directory, for the default spool location
     */
    public static CaptureConfig parse(Map<String, String> raw, String defaultDatabase, Path neo4jHome) {
        ConfigValues v = DEF.parse(raw);
        String db = v.getString("database").isBlank() ? defaultDatabase : v.getString("database");
        if ("system".equalsIgnoreCase(db)) {
            throw new ConfigException(PREFIX + "database", "the system database cannot be replicated");
        }
        Path spool = v.getString("spool.dir").isBlank()
                ? neo4jHome.resolve("data").resolve("ha4neo").resolve(db) : Path.of(v.getString("spool.dir"));
        CaptureConfig config = new CaptureConfig(v, db, spool);
        config.validateCrossKey();
        return config;
    }

    private void validateCrossKey() {
        Map<String, String> kafka = values.passThrough(KAFKA_PREFIX);
        if (role() == Role.PRIMARY && kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
            throw new ConfigException(PREFIX + KAFKA_PREFIX + "bootstrap.servers",
                    "is required when ha4neo.role=primary: set it to the Kafka brokers, e.g. 127.0.0.1:9092");
        }
        if (!"all".equals(kafka.getOrDefault("acks", "all")) && !"-1".equals(kafka.get("acks"))) {
            throw new ConfigException(PREFIX + KAFKA_PREFIX + "acks", "must be all (or unset): the replication log "
                    + "must not lose acknowledged events; ha4neo.durability=" + values.getString("durability")
                    + " relies on acks=all");
        }
        for (String forbidden : new String[] {"enable.idempotence", "transactional.id", "key.serializer",
                "value.serializer"}) {
            if (kafka.containsKey(forbidden)) {
                throw new ConfigException(PREFIX + KAFKA_PREFIX + forbidden, "is managed by the plugin "
                        + "(idempotent, transactional producer with byte[] serializers); remove the setting");
            }
        }
        if (Boolean.parseBoolean(kafka.getOrDefault("enable.metrics.push", "false").trim())) {
            throw new ConfigException(PREFIX + KAFKA_PREFIX + "enable.metrics.push", "is not supported: the plugin "
                    + "jar leaves out the OpenTelemetry classes that pushing client metrics to the broker needs; "
                    + "remove the setting (the plugin's own metrics are served on ha4neo.metrics.port)");
        }
        String compression = kafka.getOrDefault("compression.type", "none").trim();
        if (!SUPPORTED_COMPRESSION.contains(compression)) {
            throw new ConfigException(PREFIX + KAFKA_PREFIX + "compression.type", "is " + compression + "; the plugin "
                    + "supports " + String.join(", ", SUPPORTED_COMPRESSION) + " (the native zstd and snappy codecs "
                    + "cannot be shaded into a plugin jar): choose one of those, or compress on the broker with the "
                    + "topic's compression.type");
        }
        TopicNames.validate(topic());
        validateSchemaRegistry();
    }

    private void validateSchemaRegistry() {
        String userInfo = values.getString("schema.registry.basic.auth.user.info");
        if (userInfo.isEmpty()) {
            return;
        }
        if (schemaRegistryUrl().isEmpty()) {
            throw new ConfigException(PREFIX + "schema.registry.basic.auth.user.info", "is set but "
                    + PREFIX + "schema.registry.url is empty (embedded mode, no registry): set the URL, or remove it");
        }
        if (userInfo.indexOf(':') < 0) {
            throw new ConfigException(PREFIX + "schema.registry.basic.auth.user.info", "must be user:password");
        }
    }

    /** The producer's compression codecs the shaded jar can run (capture-plugin/pom.xml leaves the native ones out). */
    static final java.util.List<String> SUPPORTED_COMPRESSION = java.util.List.of("none", "gzip", "lz4");

    public Role role() {
        return Role.parse(values.getString("role"));
    }

    public String clusterId() {
        return values.getString("cluster.id");
    }

    /** True with {@code ha4neo.semi_sync.on.timeout=refuse}: semi-sync fails closed instead of falling back. */
    public boolean semiSyncFailsClosed() {
        return "refuse".equals(values.getString("semi_sync.on.timeout"));
    }

    public long epochCheckIntervalMillis() {
        return values.getLong("epoch.check.interval.ms");
    }

    /** This member's name: {@code ha4neo.member.name}, or the host name. */
    public String memberName() {
        String name = values.getString("member.name");
        if (!name.isBlank()) {
            return name;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }

    public long epoch() {
        return values.getLong("epoch");
    }

    public String database() {
        return database;
    }

    public String topic() {
        String t = values.getString("topic");
        return t.isBlank() ? TopicNames.topicFor(TopicNames.DEFAULT_PREFIX, clusterId(), database) : t;
    }

    public short topicReplicationFactor() {
        return (short) values.getInt("topic.replication.factor");
    }

    public Durability durability() {
        return Durability.parse(values.getString("durability"));
    }

    public long semiSyncTimeoutMillis() {
        return values.getLong("semi_sync.timeout.ms");
    }

    public Path spoolDir() {
        return spoolDir;
    }

    /** How many archived spools of earlier epochs to keep ({@code spool.archive.retain}). */
    public int spoolArchiveRetain() {
        return values.getInt("spool.archive.retain");
    }

    public long spoolMaxBytes() {
        return values.getLong("spool.max.bytes");
    }

    public EventSpool.SyncPolicy spoolSync() {
        return EventSpool.SyncPolicy.valueOf(values.getString("spool.sync").toUpperCase(Locale.ROOT));
    }

    public int sequencerMaxPending() {
        return values.getInt("sequencer.max.pending");
    }

    public long sequencerStallTimeoutMillis() {
        return values.getLong("sequencer.stall.timeout.ms");
    }

    public int chunkMaxBytes() {
        return values.getInt("chunk.max.bytes");
    }

    public int publishBatchMaxEvents() {
        return values.getInt("publish.batch.max.events");
    }

    public long publishLingerMillis() {
        return values.getLong("publish.linger.ms");
    }

    public boolean captureApplierWrites() {
        return values.getBoolean("capture.applier.writes");
    }

    public String applierUser() {
        return values.getString("applier.user");
    }

    public int metricsPort() {
        return values.getInt("metrics.port");
    }

    public String metricsAddress() {
        return values.getString("metrics.address");
    }

    public long startupKafkaTimeoutMillis() {
        return values.getLong("startup.kafka.timeout.ms");
    }

    public long shutdownTimeoutMillis() {
        return values.getLong("shutdown.timeout.ms");
    }

    /** The Schema Registry's base URL in registry mode; empty in embedded mode (the default). */
    public java.util.Optional<java.net.URI> schemaRegistryUrl() {
        String url = values.getString("schema.registry.url");
        return url.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(java.net.URI.create(url));
    }

    /** {@code user:password} for the registry's basic authentication, or empty. */
    public String schemaRegistryUserInfo() {
        return values.getString("schema.registry.basic.auth.user.info");
    }

    public long schemaRegistryTimeoutMillis() {
        return values.getLong("schema.registry.timeout.ms");
    }

    /** The stable transactional.id of this database's producer: a restarted or stale primary is fenced by it. */
    public String transactionalId() {
        return "ha4neo-" + clusterId() + "-" + database;
    }

    /** Kafka client properties given by the user (pass-through), without the prefix. */
    public Map<String, String> kafkaProperties() {
        return new HashMap<>(values.passThrough(KAFKA_PREFIX));
    }

    /** Effective configuration, secrets masked, for the one start-up log line. */
    public String describe() {
        return values.describeMasked() + " (database=" + database + ", topic=" + topic() + ", spool=" + spoolDir + ")";
    }
}
