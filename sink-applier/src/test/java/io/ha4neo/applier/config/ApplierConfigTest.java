package io.ha4neo.applier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.apply.ApplyWindow;

import io.ha4neo.schemas.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("neo4j.uri", "bolt://localhost:7687");
        m.put("topic", "ha4neo.dc1.neo4j");
        m.put("kafka.bootstrap.servers", "localhost:9092");
        return m;
    }

    @Test
    void appliesDefaultsAndForcesConsumerSettings() {
        ApplierConfig c = ApplierConfig.parse(minimal());
        assertThat(c.batchMaxTransactions()).isEqualTo(500);
        assertThat(c.batchMaxChanges()).isEqualTo(20000);
        assertThat(c.metricsPort()).isEqualTo(9404);
        assertThat(c.neo4jAuthDisabled()).isTrue();
        assertThat(c.skipCommitId()).isEmpty();
        assertThat(c.consumerProperties("host-1")).containsEntry("group.id", "ha4neo-applier-ha4neo.dc1.neo4j-localhost-7687")
                .containsEntry("group.instance.id", "ha4neo-applier-ha4neo.dc1.neo4j-localhost-7687-host-1")
                .containsEntry("session.timeout.ms", "6000")
                .containsEntry("partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor")
                .containsEntry("enable.auto.commit", "false").containsEntry("isolation.level", "read_committed")
                .containsEntry("auto.offset.reset", "earliest").containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void eachStandbyHasAConsumerGroupOfItsOwnAndEachApplierProcessAnInstanceIdOfItsOwn() {
        Map<String, String> b = minimal();
        b.put("neo4j.uri", "neo4j+s://standby-b.zone1:7617");
        Map<String, String> c = minimal();
        c.put("member.name", "c");

        assertThat(ApplierConfig.parse(b).memberName()).as("default: host and port of neo4j.uri")
                .isEqualTo("standby-b.zone1-7617");
        assertThat(ApplierConfig.parse(minimal()).memberName()).isNotEqualTo(ApplierConfig.parse(b).memberName());
        assertThat(ApplierConfig.parse(c).consumerGroup()).isEqualTo("ha4neo-applier-ha4neo.dc1.neo4j-c");
        assertThat(ApplierConfig.parse(c).consumerProperties("host-1").get("group.instance.id"))
                .as("two appliers of one standby on two hosts: one group, two static members")
                .isNotEqualTo(ApplierConfig.parse(c).consumerProperties("host-2").get("group.instance.id"));
        assertThat(ApplierConfig.parse(c).consumerProperties("host-1")).containsEntry("group.id",
                ApplierConfig.parse(c).consumerProperties("host-2").get("group.id"));

        c.put("kafka.group.id", "lag-dashboard-c");
        c.put("kafka.group.instance.id", "c-passive");
        assertThat(ApplierConfig.parse(c).consumerProperties("host-1")).containsEntry("group.id", "lag-dashboard-c")
                .containsEntry("group.instance.id", "c-passive");
    }

    @Test
    void aNeo4jUriNoMemberNameCanBeDerivedFromIsNamedAtStartUp() {
        Map<String, String> m = minimal();
        m.put("neo4j.uri", "bolt://stand by:7687");
        assertThatThrownBy(() -> ApplierConfig.parse(m))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("neo4j.uri"))
                .hasMessageContaining("or set member.name");
        m.put("member.name", "b");
        assertThat(ApplierConfig.parse(m).consumerGroup()).isEqualTo("ha4neo-applier-ha4neo.dc1.neo4j-b");
    }

    @Test
    void rejectsAMemberNameKafkaCouldNotUseInAGroupName() {
        Map<String, String> m = minimal();
        m.put("member.name", "standby b");
        assertThatThrownBy(() -> ApplierConfig.parse(m))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("member.name"))
                .hasMessageContaining("ASCII letters, digits");
    }

    @Test
    void rejectsAnUnknownKeyNamingIt() {
        Map<String, String> m = minimal();
        m.put("batch.max.transaction", "10");
        assertThatThrownBy(() -> ApplierConfig.parse(m))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("batch.max.transaction"))
                .hasMessageContaining("unknown configuration key")
                .hasMessageContaining("did you mean batch.max.transactions?");
    }

    @Test
    void rejectsAMissingRequiredKeyNamingItsEnvironmentVariable() {
        Map<String, String> m = minimal();
        m.remove("topic");
        assertThatThrownBy(() -> ApplierConfig.parse(m)).hasMessageContaining("topic: is required")
                .hasMessageContaining("HA4NEO_TOPIC");
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        Map<String, String> m = minimal();
        m.put("batch.max.changes", "lots");
        assertThatThrownBy(() -> ApplierConfig.parse(m)).hasMessageContaining("batch.max.changes: 'lots' is not a valid int");
        m.put("batch.max.changes", "0");
        assertThatThrownBy(() -> ApplierConfig.parse(m)).hasMessageContaining("batch.max.changes: 0 is outside [1, …]");
        m.put("batch.max.changes", "10");
        m.put("neo4j.uri", "http://x");
        assertThatThrownBy(() -> ApplierConfig.parse(m)).hasMessageContaining("neo4j.uri: 'http://x' is not a bolt:// or neo4j:// URI");
    }

    @Test
    void checksRulesSpanningSeveralKeysInOnePlace() {
        Map<String, String> m = minimal();
        m.put("retry.backoff.initial.ms", "5000");
        m.put("retry.backoff.max.ms", "1000");
        assertThatThrownBy(() -> ApplierConfig.parse(m)).hasMessageContaining("retry.backoff.max.ms: must be >= retry.backoff.initial.ms");
        Map<String, String> k = minimal();
        k.put("kafka.enable.auto.commit", "true");
        assertThatThrownBy(() -> ApplierConfig.parse(k)).hasMessageContaining("kafka.enable.auto.commit: 'true' is not allowed")
                .hasMessageContaining("fixed to false");
        Map<String, String> same = minimal();
        same.put("kafka.isolation.level", "read_committed");
        assertThat(ApplierConfig.parse(same).consumerProperties()).containsEntry("isolation.level", "read_committed");
    }

    @Test
    void cascadingIsOffByDefaultAndNeverCopiesTheLogIntoItself() {
        assertThat(ApplierConfig.parse(minimal()).cascadeTopic()).isEmpty();
        Map<String, String> on = minimal();
        on.put("cascade.topic", "ha4neo.dc1.neo4j.via-b");
        on.put("kafka.security.protocol", "SASL_SSL");
        on.put("kafka.fetch.min.bytes", "1");
        ApplierConfig c = ApplierConfig.parse(on);
        assertThat(c.cascadeTopic()).contains("ha4neo.dc1.neo4j.via-b");
        assertThat(c.cascadeConnectionProperties()).as("connection settings only, none of the consumer's tuning")
                .containsOnlyKeys("bootstrap.servers", "security.protocol");
        Map<String, String> itself = minimal();
        itself.put("cascade.topic", "ha4neo.dc1.neo4j");
        assertThatThrownBy(() -> ApplierConfig.parse(itself)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cascade.topic: is the topic this applier reads (ha4neo.dc1.neo4j)");
        Map<String, String> bad = minimal();
        bad.put("cascade.topic", "no spaces");
        assertThatThrownBy(() -> ApplierConfig.parse(bad)).hasMessageContaining("cascade.topic: 'no spaces' is not "
                + "empty or a Kafka topic name");
    }

    @Test
    void readsThePointInTimeWindowAndNamesTheKeyOfEachMistake() {
        Map<String, String> m = minimal();
        m.put("apply.until.commit.id", "42");
        m.put("apply.until.epoch", "1");
        m.put("apply.until.commit.time", "2026-12-02T10:15:30Z");
        m.put("apply.delay.ms", "30000");
        ApplyWindow w = ApplierConfig.parse(m).applyWindow();
        assertThat(w.describe()).isEqualTo("holds after commit 42 of epoch 1; holds before the first commit after "
                + "2026-12-02T10:15:30Z; applies each commit 30000 ms after it was committed");
        assertThat(ApplierConfig.parse(minimal()).applyWindow().isOpen()).isTrue();

        Map<String, String> epochOnly = minimal();
        epochOnly.put("apply.until.epoch", "1");
        assertThatThrownBy(() -> ApplierConfig.parse(epochOnly)).hasMessageContaining("apply.until.epoch: is the "
                + "epoch of apply.until.commit.id, which is not set; set both, or neither");
        Map<String, String> local = minimal();
        local.put("apply.until.commit.time", "2026-12-02 10:15");
        assertThatThrownBy(() -> ApplierConfig.parse(local)).hasMessageContaining("apply.until.commit.time: "
                + "'2026-12-02 10:15' is not an ISO-8601 UTC instant");
        Map<String, String> impossible = minimal();
        impossible.put("apply.until.commit.time", "2026-02-30T10:15:30Z");
        assertThatThrownBy(() -> ApplierConfig.parse(impossible)).hasMessageContaining("apply.until.commit.time: "
                + "'2026-02-30T10:15:30Z' is not a valid instant");
        Map<String, String> negative = minimal();
        negative.put("apply.delay.ms", "-1");
        assertThatThrownBy(() -> ApplierConfig.parse(negative)).hasMessageContaining("apply.delay.ms: -1 is outside");
    }

    @Test
    void letsEnvironmentVariablesOverrideTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("applier.properties");
        Files.writeString(file, "neo4j.uri=bolt://file:7687\ntopic=t1\nkafka.bootstrap.servers=k:9092\nbatch.linger.ms=7\n");
        ApplierConfig c = ApplierConfig.load(file, Map.of("HA4NEO_TOPIC", "t2", "HA4NEO_KAFKA_MAX_POLL_RECORDS", "50",
                "HA4NEO_SKIP_COMMIT_ID", "42", "PATH", "/bin"));
        assertThat(c.topic()).isEqualTo("t2");
        assertThat(c.neo4jUri()).isEqualTo("bolt://file:7687");
        assertThat(c.batchLinger().toMillis()).isEqualTo(7);
        assertThat(c.skipCommitId()).hasValue(42);
        assertThat(c.consumerProperties()).containsEntry("max.poll.records", "50");
        assertThatThrownBy(() -> ApplierConfig.load(file, Map.of("HA4NEO_TOPICS", "x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("HA4NEO_TOPICS"))
                .hasMessageContaining("unknown environment variable").hasMessageContaining("did you mean HA4NEO_TOPIC?");
    }

    @Test
    void masksSecretsInTheEffectiveConfiguration() {
        Map<String, String> m = minimal();
        m.put("neo4j.password", "s3cret");
        m.put("kafka.sasl.jaas.config", "org.apache...PlainLoginModule password=\"k4fka\";");
        String shown = ApplierConfig.parse(m).describe();
        assertThat(shown).doesNotContain("s3cret").doesNotContain("k4fka").contains("neo4j.password=********")
                .contains("kafka.sasl.jaas.config=********").contains("topic=ha4neo.dc1.neo4j");
    }

    @Test
    void rendersAReferenceRowForEveryDeclaredKeyAndTheEnvironmentRule() {
        String md = ApplierConfig.DEF.toMarkdown();
        ApplierConfig.DEF.keys().forEach(k -> assertThat(md).contains("| `" + k.name() + "` | "));
        assertThat(md).contains("| `neo4j.uri` | string | `(required)` |").contains("`9404`")
                .contains("| `neo4j.password` | password |").contains("`enable.auto.commit=false`")
                .contains("`HA4NEO_NEO4J_URI`").contains("`HA4NEO_KAFKA_*`");
    }

    @Test
    void readsTheSchemaRegistryFromTheEnvironmentAndMasksItsUserInfo() {
        ApplierConfig c = ApplierConfig.load(null, Map.of("HA4NEO_NEO4J_URI", "bolt://localhost:7687",
                "HA4NEO_TOPIC", "ha4neo.dc1.neo4j", "HA4NEO_KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                "HA4NEO_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "HA4NEO_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "applier:r3g-secret"));
        assertThat(c.schemaRegistryUrl()).hasValue(java.net.URI.create("http://registry:8081"));
        assertThat(c.schemaRegistryUserInfo()).isEqualTo("applier:r3g-secret");
        assertThat(c.describe()).doesNotContain("r3g-secret").doesNotContain("applier:")
                .contains("schema.registry.basic.auth.user.info=********")
                .contains("schema.registry.url=http://registry:8081");
        assertThat(ApplierConfig.parse(minimal()).schemaRegistryUrl()).as("embedded mode by default").isEmpty();
    }

    @Test
    void refusesAMalformedRegistryUrlAndCredentialsWithoutARegistryNamingTheKey() {
        Map<String, String> malformed = minimal();
        malformed.put("schema.registry.url", "registry:8081");
        assertThatThrownBy(() -> ApplierConfig.parse(malformed)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("schema.registry.url")).hasMessageContaining("http:// or https://");
        Map<String, String> orphan = minimal();
        orphan.put("schema.registry.basic.auth.user.info", "u:p");
        assertThatThrownBy(() -> ApplierConfig.parse(orphan)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("schema.registry.basic.auth.user.info"))
                .hasMessageContaining("schema.registry.url is empty");
        Map<String, String> noPassword = minimal();
        noPassword.put("schema.registry.url", "http://registry:8081");
        noPassword.put("schema.registry.basic.auth.user.info", "only-user");
        assertThatThrownBy(() -> ApplierConfig.parse(noPassword)).hasMessageContaining("must be user:password")
                .hasMessageNotContaining("only-user");
    }
}
