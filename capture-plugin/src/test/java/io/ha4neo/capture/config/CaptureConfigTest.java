package io.ha4neo.capture.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.config.CaptureConfig.Durability;
import io.ha4neo.schemas.config.ConfigException;
import io.ha4neo.schemas.topology.Role;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CaptureConfigTest {
    private static final Path HOME = Path.of("/opt/neo4j");
    private static final String BOOTSTRAP = "ha4neo.kafka.bootstrap.servers";

    /** The smallest valid primary configuration plus the given settings. */
    private static Map<String, String> primary(String... keyValues) {
        Map<String, String> raw = new HashMap<>();
        raw.put(BOOTSTRAP, "127.0.0.1:9092");
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put(keyValues[i], keyValues[i + 1]);
        }
        return raw;
    }

    private static CaptureConfig parse(Map<String, String> raw) {
        return CaptureConfig.parse(raw, "neo4j", HOME);
    }

    @Test
    void appliesTheDocumentedDefaults() {
        CaptureConfig c = parse(primary());
        assertThat(c.role()).isEqualTo(Role.PRIMARY);
        assertThat(c.clusterId()).isEqualTo("local");
        assertThat(c.epoch()).isZero();
        assertThat(c.database()).isEqualTo("neo4j");
        assertThat(c.topic()).isEqualTo("ha4neo.local.neo4j");
        assertThat(c.topicReplicationFactor()).isEqualTo((short) 1);
        assertThat(c.durability()).isEqualTo(Durability.ASYNC);
        assertThat(c.semiSyncTimeoutMillis()).isEqualTo(2_000);
        assertThat(c.spoolDir()).isEqualTo(HOME.resolve("data/ha4neo/neo4j"));
        assertThat(c.spoolMaxBytes()).isEqualTo(1L << 30);
        assertThat(c.sequencerMaxPending()).isEqualTo(10_000);
        assertThat(c.sequencerStallTimeoutMillis()).isEqualTo(30_000);
        assertThat(c.chunkMaxBytes()).isEqualTo(921_600);
        assertThat(c.publishBatchMaxEvents()).isEqualTo(1_000);
        assertThat(c.captureApplierWrites()).isFalse();
        assertThat(c.applierUser()).isEmpty();
        assertThat(c.metricsPort()).isZero();
        assertThat(c.metricsAddress()).isEqualTo("127.0.0.1");
        assertThat(c.shutdownTimeoutMillis()).isEqualTo(10_000);
        assertThat(c.transactionalId()).isEqualTo("ha4neo-local-neo4j");
        assertThat(c.schemaRegistryUrl()).isEmpty(); // embedded mode
        assertThat(c.schemaRegistryUserInfo()).isEmpty();
        assertThat(c.schemaRegistryTimeoutMillis()).isEqualTo(60_000);
    }

    @Test
    void derivesTopicSpoolAndTransactionalIdFromClusterAndDatabase() {
        CaptureConfig c = parse(primary("ha4neo.cluster.id", "dc1", "ha4neo.database", "sales",
                "ha4neo.durability", "semi-sync", "ha4neo.role", "primary"));
        assertThat(c.database()).isEqualTo("sales");
        assertThat(c.topic()).isEqualTo("ha4neo.dc1.sales");
        assertThat(c.spoolDir()).isEqualTo(HOME.resolve("data").resolve("ha4neo").resolve("sales"));
        assertThat(c.transactionalId()).isEqualTo("ha4neo-dc1-sales");
        assertThat(c.durability()).isEqualTo(Durability.SEMI_SYNC);
    }

    @Test
    void explicitTopicAndSpoolDirWin() {
        CaptureConfig c = parse(primary("ha4neo.topic", "my-topic", "ha4neo.spool.dir", "/var/spool/x"));
        assertThat(c.topic()).isEqualTo("my-topic");
        assertThat(c.spoolDir()).isEqualTo(Path.of("/var/spool/x"));
    }

    @Test
    void anUnknownHa4neoKeyIsAnErrorNamingItWithASuggestion() {
        assertThatThrownBy(() -> parse(primary("ha4neo.durabilty", "async")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("ha4neo.durabilty"))
                .hasMessageContaining("unknown configuration key")
                .hasMessageContaining("did you mean ha4neo.durability?");
    }

    @Test
    void settingsOutsideTheHa4neoPrefixAreIgnored() {
        CaptureConfig c = parse(primary("server.memory.heap.max_size", "1G", "dbms.security.auth_enabled", "false"));
        assertThat(c.describe()).doesNotContain("server.memory").doesNotContain("auth_enabled");
    }

    @Test
    void passesKafkaPropertiesThroughWithoutThePrefix() {
        CaptureConfig c = parse(primary("ha4neo.kafka.linger.ms", "5", "ha4neo.kafka.security.protocol", "SASL_SSL",
                "ha4neo.kafka.acks", "all"));
        assertThat(c.kafkaProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "127.0.0.1:9092", "linger.ms", "5", "security.protocol", "SASL_SSL", "acks", "all"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "0", "ALL-ish"})
    void refusesAcksOtherThanAllNamingTheKey(String acks) {
        assertThatThrownBy(() -> parse(primary("ha4neo.kafka.acks", acks)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("ha4neo.kafka.acks"))
                .hasMessageContaining("must be all");
    }

    @Test
    void acceptsAcksAllAndItsNumericSpelling() {
        assertThat(parse(primary("ha4neo.kafka.acks", "-1")).kafkaProperties()).containsEntry("acks", "-1");
        assertThat(parse(primary("ha4neo.kafka.acks", "all")).kafkaProperties()).containsEntry("acks", "all");
    }

    @ParameterizedTest
    @ValueSource(strings = {"enable.idempotence", "transactional.id", "key.serializer", "value.serializer"})
    void refusesProducerSettingsThePluginManages(String managed) {
        assertThatThrownBy(() -> parse(primary("ha4neo.kafka." + managed, "x")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("ha4neo.kafka." + managed))
                .hasMessageContaining("managed by the plugin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", " true "})
    void refusesClientMetricsPushNamingTheKey(String value) {
        assertThatThrownBy(() -> parse(primary("ha4neo.kafka.enable.metrics.push", value)))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("ha4neo.kafka.enable.metrics.push"))
                .hasMessageContaining("remove the setting");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "snappy", "brotli"})
    void refusesACompressionCodecTheJarCannotRunNamingTheKeyAndTheChoices(String codec) {
        assertThatThrownBy(() -> parse(primary("ha4neo.kafka.compression.type", codec)))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("ha4neo.kafka.compression.type"))
                .hasMessageContaining("is " + codec).hasMessageContaining("none, gzip, lz4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "lz4"})
    void acceptsTheCompressionCodecsTheJarCanRun(String codec) {
        assertThat(parse(primary("ha4neo.kafka.compression.type", codec)).kafkaProperties())
                .containsEntry("compression.type", codec);
    }

    @Test
    void acceptsClientMetricsPushOff() {
        assertThat(parse(primary("ha4neo.kafka.enable.metrics.push", "false")).kafkaProperties())
                .containsEntry("enable.metrics.push", "false");
    }

    @Test
    void aPrimaryNeedsBootstrapServersButAStandbyDoesNot() {
        assertThatThrownBy(() -> parse(Map.of("ha4neo.role", "primary")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(BOOTSTRAP))
                .hasMessageContaining("required when ha4neo.role=primary");
        assertThatThrownBy(() -> parse(Map.of(BOOTSTRAP, "  ")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(BOOTSTRAP));
        assertThat(parse(Map.of("ha4neo.role", "standby")).role()).isEqualTo(Role.STANDBY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"system", "SYSTEM"})
    void refusesToReplicateTheSystemDatabase(String name) {
        assertThatThrownBy(() -> parse(primary("ha4neo.database", name)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("ha4neo.database"))
                .hasMessageContaining("system database");
        assertThatThrownBy(() -> CaptureConfig.parse(primary(), "system", HOME))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ha4neo.database");
    }

    @Test
    void refusesInvalidValuesNamingTheKey() {
        assertThatThrownBy(() -> parse(primary("ha4neo.role", "leader")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("ha4neo.role"));
        assertThatThrownBy(() -> parse(primary("ha4neo.semi_sync.timeout.ms", "soon")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("ha4neo.semi_sync.timeout.ms"));
        assertThatThrownBy(() -> parse(primary("ha4neo.sequencer.max.pending", "1")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("ha4neo.sequencer.max.pending"));
        assertThatThrownBy(() -> parse(primary("ha4neo.topic", "bad topic!")))
                .hasMessageContaining("bad topic!");
    }

    @Test
    void describeShowsTheEffectiveConfigurationWithSecretsMasked() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cr3t\";";
        String d = parse(primary("ha4neo.kafka.sasl.jaas.config", jaas,
                "ha4neo.kafka.ssl.truststore.password", "tr0ub4dor", "ha4neo.cluster.id", "dc7")).describe();
        assertThat(d).doesNotContain("s3cr3t").doesNotContain("tr0ub4dor")
                .contains("ha4neo.kafka.sasl.jaas.config=********")
                .contains("ha4neo.kafka.ssl.truststore.password=********")
                .contains("ha4neo.kafka.bootstrap.servers=127.0.0.1:9092")
                .contains("ha4neo.cluster.id=dc7")
                .contains("topic=ha4neo.dc7.neo4j");
    }

    @Test
    void aRegistryUrlSwitchesToRegistryModeAndItsUserInfoIsMaskedInTheDescription() {
        CaptureConfig c = parse(primary("ha4neo.schema.registry.url", "https://registry.example/apis/ccompat/v7",
                "ha4neo.schema.registry.basic.auth.user.info", "capture:pa55:word"));
        assertThat(c.schemaRegistryUrl()).hasValue(java.net.URI.create("https://registry.example/apis/ccompat/v7"));
        assertThat(c.schemaRegistryUserInfo()).isEqualTo("capture:pa55:word");
        assertThat(c.describe()).doesNotContain("pa55").doesNotContain("capture:")
                .contains("ha4neo.schema.registry.basic.auth.user.info=********")
                .contains("ha4neo.schema.registry.url=https://registry.example/apis/ccompat/v7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry:8081", "http//registry:8081", "tcp://registry:8081", "http://"})
    void refusesAMalformedRegistryUrlNamingTheKey(String url) {
        assertThatThrownBy(() -> parse(primary("ha4neo.schema.registry.url", url))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ha4neo.schema.registry.url").hasMessageContaining("http:// or https:// URL");
    }

    @Test
    void refusesRegistryCredentialsWithoutARegistryOrWithoutAPassword() {
        assertThatThrownBy(() -> parse(primary("ha4neo.schema.registry.basic.auth.user.info", "u:p")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ha4neo.schema.registry.basic.auth.user.info")
                .hasMessageContaining("ha4neo.schema.registry.url is empty");
        assertThatThrownBy(() -> parse(primary("ha4neo.schema.registry.url", "http://r:8081",
                "ha4neo.schema.registry.basic.auth.user.info", "just-a-user")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be user:password")
                .hasMessageNotContaining("just-a-user");
    }
}
