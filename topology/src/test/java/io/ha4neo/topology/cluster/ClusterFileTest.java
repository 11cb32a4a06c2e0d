package io.ha4neo.topology.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.topology.TopicNames;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterFileTest {
    private static final Function<String, String> NO_ENV = name -> null;

    private static final String VALID = """
            {
              "clusterId": "dc1",
              "kafka": {"bootstrapServers": "kafka1:9092, kafka2:9092"},
              "members": [
                {"name": "a", "zone": "z1", "bolt": "bolt://neo4j-a:7687"},
                {"name": "b", "zone": "z2", "bolt": "neo4j+s://neo4j-b:7687", "user": "ops",
                 "password": "${B_PASSWORD}", "applierMetrics": "http://applier-b:9404/metrics"}
              ]
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aValidFileGivesTheDescriptionWithDefaultsFilledIn() throws Exception {
        ClusterDescription c = ClusterFile.load(write("cluster.json", VALID), env("B_PASSWORD", "s3cret"));

        assertThat(c.clusterId()).isEqualTo("dc1");
        assertThat(c.database()).isEqualTo("neo4j");
        assertThat(c.topic()).isEqualTo(TopicNames.topicFor(TopicNames.DEFAULT_PREFIX, "dc1", "neo4j"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka1:9092,kafka2:9092");
        assertThat(c.kafka().replicationFactor()).isEqualTo(KafkaCluster.DEFAULT_REPLICATION_FACTOR);
        assertThat(c.members()).extracting(Member::name).containsExactly("a", "b");
        Member a = c.member("a").orElseThrow();
        assertThat(a.user()).isEqualTo(Member.DEFAULT_USER);
        assertThat(a.password().isEmpty()).isTrue();
        assertThat(a.applierMetrics()).isEmpty();
        Member b = c.member("b").orElseThrow();
        assertThat(b.bolt()).isEqualTo(URI.create("neo4j+s://neo4j-b:7687"));
        assertThat(b.zone()).isEqualTo("z2");
        assertThat(b.user()).isEqualTo("ops");
        assertThat(b.password().reveal()).isEqualTo("s3cret");
        assertThat(b.applierMetrics()).containsExactly(URI.create("http://applier-b:9404/metrics"));
    }

    @Test
    void aYamlFileDescribesTheSameCluster() throws Exception {
        String yaml = """
                clusterId: dc1
                kafka:
                  bootstrapServers: [ "kafka1:9092", "kafka2:9092" ]
                members:
                  - {name: a, zone: z1, bolt: "bolt://neo4j-a:7687"}
                  - name: b
                    zone: z2
                    bolt: neo4j+s://neo4j-b:7687
                    user: ops
                    password: ${B_PASSWORD}
                    applierMetrics: http://applier-b:9404/metrics
                """;
        Function<String, String> env = env("B_PASSWORD", "s3cret");

        assertThat(ClusterFile.load(write("cluster.yaml", yaml), env))
                .isEqualTo(ClusterFile.load(write("cluster.json", VALID), env));
    }

    @Test
    void explicitTopicDatabaseReplicationFactorAndKafkaPropertiesAreKept() throws Exception {
        String text = """
                {"clusterId": "dc1", "database": "orders", "topic": "replication.orders",
                 "kafka": {"bootstrapServers": ["k:9093"], "replicationFactor": 1,
                           "properties": {"security.protocol": "SASL_SSL", "sasl.jaas.config": "${JAAS}"}},
                 "members": [{"name": "a", "bolt": "bolt://a:7687"}]}
                """;
        ClusterDescription c = ClusterFile.load(write("c.json", text), env("JAAS", "jaas-secret"));

        assertThat(c.database()).isEqualTo("orders");
        assertThat(c.topic()).isEqualTo("replication.orders");
        assertThat(c.kafka().replicationFactor()).isEqualTo((short) 1);
        assertThat(c.kafka().clientProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "jaas-secret");
    }

    @Test
    void aMissingFieldIsNamedWithTheMemberIndexAndTheFile() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "k:9092"},
                 "members": [{"name": "a", "bolt": "bolt://a:7687"}, {"name": "b"}]}
                """);

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV)).isInstanceOf(ClusterFileException.class)
                .hasMessage(file + ": members[1].bolt: missing");
    }

    @Test
    void twoMembersWithTheSameNameAreRejected() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "k:9092"},
                 "members": [{"name": "a", "bolt": "bolt://a:7687"}, {"name": "b", "bolt": "bolt://b:7687"},
                             {"name": "a", "bolt": "bolt://c:7687"}]}
                """);

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV))
                .hasMessage(file + ": two members named 'a' (members[0] and members[2])");
    }

    @Test
    void twoMembersWithTheSameBoltAddressAreRejected() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "k:9092"},
                 "members": [{"name": "a", "bolt": "bolt://a:7687"}, {"name": "b", "bolt": "bolt://a:7687"}]}
                """);

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV))
                .hasMessage(file + ": members[1].bolt: bolt://a:7687 is also the address of members[0]");
    }

    @Test
    void anUnknownFieldIsAnErrorThatSuggestsTheKnownOne() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": "dc1", "kafka": {"bootstrap.servers": "k:9092"},
                 "members": [{"name": "a", "bolt_uri": "bolt://a:7687"}], "member": []}
                """);

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV)).isInstanceOf(ClusterFileException.class)
                .hasMessageContaining("unknown field 'member' (did you mean 'members'?)")
                .hasMessageContaining("kafka: unknown field 'bootstrap.servers' (did you mean 'bootstrapServers'?)")
                .hasMessageContaining("kafka.bootstrapServers: missing")
                .hasMessageContaining("members[0]: unknown field 'bolt_uri' (did you mean 'bolt'?)")
                .hasMessageContaining("members[0].bolt: missing");
    }

    @Test
    void aMemberMayNameSeveralAppliersOneOfWhichStandsByAndTheyAreWrittenBackAsAList() throws Exception {
        String text = """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "k:9092"},
                 "members": [{"name": "a", "bolt": "bolt://a:7687"},
                             {"name": "b", "bolt": "bolt://b:7687",
                              "applierMetrics": ["http://applier-b1:9404/metrics", "http://applier-b2:9404/metrics"]}]}
                """;
        ClusterDescription c = ClusterFile.load(write("c.json", text), NO_ENV);

        assertThat(c.member("b").orElseThrow().applierMetrics()).containsExactly(
                URI.create("http://applier-b1:9404/metrics"), URI.create("http://applier-b2:9404/metrics"));
        assertThat(ClusterFile.parse(ClusterFile.toJson(c), false, "round trip", NO_ENV)).isEqualTo(c);

        ClusterFileException e = (ClusterFileException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ClusterFile.load(write("bad.json", text.replace("http://applier-b2", "ftp://applier-b2")),
                        NO_ENV));
        assertThat(e.problems()).containsExactly("members[1].applierMetrics[1]: 'ftp://applier-b2:9404/metrics' is "
                + "not an HTTP URL; expected http://host:port/metrics");
    }

    @Test
    void aZoneWithAKafkaClusterOfItsOwnNamesItsCopyOfTheTopicAndItsMirrorMakerAndIsWrittenBack() throws Exception {
        String text = """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "kafka-a:9092", "replicationFactor": 1},
                 "members": [{"name": "a", "zone": "za", "bolt": "bolt://a:7687"},
                             {"name": "b", "zone": "zb", "bolt": "bolt://b:7687"}],
                 "zones": [{"name": "zb", "kafka": {"bootstrapServers": "kafka-b:9092",
                                                    "properties": {"security.protocol": "SSL"}},
                            "topic": "za.ha4neo.dc1.neo4j", "mirrorMakerMetrics": "http://mm2:9404/metrics"},
                           {"name": "zc", "kafka": {"bootstrapServers": "kafka-c:9092"}}]}
                """;
        ClusterDescription c = ClusterFile.load(write("zones.json", text), NO_ENV);

        Zone b = c.zone("zb").orElseThrow();
        assertThat(b.kafka().bootstrapServers()).isEqualTo("kafka-b:9092");
        assertThat(b.kafka().clientProperties()).containsEntry("security.protocol", "SSL");
        assertThat(b.topic()).isEqualTo("za.ha4neo.dc1.neo4j");
        assertThat(b.mirrorMaker()).contains(URI.create("http://mm2:9404/metrics"));
        assertThat(c.zone("zc").orElseThrow().topic()).as("identity policy by default").isEqualTo(c.topic());
        assertThat(c.zone("zc").orElseThrow().mirrorMaker()).isEmpty();
        assertThat(c.zone("za")).as("a zone no entry describes shares the top-level cluster").isEmpty();
        assertThat(ClusterFile.parse(ClusterFile.toJson(c), false, "round trip", NO_ENV)).isEqualTo(c);
        assertThat(ClusterFile.load(write("none.json", VALID), env("B_PASSWORD", "x")).zones()).isEmpty();
    }

    @Test
    void badZonesAreReportedWithTheirPaths() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "k:9092"},
                 "members": [{"name": "a", "bolt": "bolt://a:7687"}],
                 "zones": [{"name": "zb", "topic": "bad topic", "mirrorMakerMetrics": "ftp://mm2"},
                           {"name": "zb", "kafka": {"bootstrapServers": "kb"}, "mirror": "x"}]}
                """);

        ClusterFileException e = (ClusterFileException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ClusterFile.load(file, NO_ENV));

        assertThat(e.problems()).containsExactly("zones[0].kafka: missing",
                "zones[0].topic: topic name 'bad topic' may only contain ASCII letters, digits, '.', '_' and '-'",
                "zones[0].mirrorMakerMetrics: 'ftp://mm2' is not an HTTP URL; expected http://host:port/metrics",
                "zones[1]: unknown field 'mirror' (did you mean 'mirrorMakerMetrics'?)",
                "two zones named 'zb' (zones[0] and zones[1])",
                "zones[1].kafka.bootstrapServers: 'kb' is not host:port");
    }

    @Test
    void everyProblemIsReportedInOneMessage() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": "dc 1", "database": "system",
                 "kafka": {"bootstrapServers": "kafka1", "replicationFactor": 0,
                           "properties": {"bootstrap.servers": "x:1"}},
                 "members": [{"name": "a", "bolt": "http://a:7474", "applierMetrics": "ftp://x"}]}
                """);

        ClusterFileException e = (ClusterFileException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ClusterFile.load(file, NO_ENV));

        assertThat(e.source()).isEqualTo(file.toString());
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "clusterId: 'dc 1' may only contain letters, digits, '.', '_' and '-'",
                "database: the system database is never replicated; name the user database",
                "kafka.bootstrapServers: 'kafka1' is not host:port",
                "kafka.replicationFactor: '0' is not an integer in [1, 32]",
                "kafka.properties.bootstrap.servers: set kafka.bootstrapServers instead",
                "members[0].bolt: 'http://a:7474' is not a Bolt address; expected bolt://host:port (or bolt+s, "
                        + "bolt+ssc, neo4j, neo4j+s, neo4j+ssc)",
                "members[0].applierMetrics: 'ftp://x' is not an HTTP URL; expected http://host:port/metrics");
        assertThat(e.getMessage()).startsWith(file + ": 7 problems:\n  ");
    }

    @Test
    void wrongShapesAreNamed() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": {"x": 1}, "kafka": "k:9092", "members": {"name": "a"}}
                """);

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV))
                .hasMessageContaining("clusterId: expected a single value, found an object")
                .hasMessageContaining("kafka: expected an object, found 'k:9092'")
                .hasMessageContaining("members: expected a list, found an object");
    }

    @Test
    void anEmptyMemberListIsRejected() throws Exception {
        Path file = write("cluster.json", """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "k:9092"}, "members": []}
                """);

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV)).hasMessage(file + ": members: the list is empty");
    }

    @Test
    void anUnsetEnvironmentVariableNamesTheFieldAndTheVariable() throws Exception {
        Path file = write("cluster.json", VALID);

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV)).hasMessage(file + ": members[1].password: "
                + "environment variable B_PASSWORD is not set (referenced as ${B_PASSWORD})");
    }

    @Test
    void passwordsNeverAppearInTheDescriptionsText() throws Exception {
        String text = VALID.replace("${B_PASSWORD}", "literal-pw").replace("\"kafka1:9092, kafka2:9092\"}",
                "\"k:9092\", \"properties\": {\"sasl.jaas.config\": \"${JAAS}\"}}");
        ClusterDescription c = ClusterFile.load(write("cluster.json", text), env("JAAS", "jaas-secret"));

        assertThat(c.toString()).doesNotContain("literal-pw").doesNotContain("jaas-secret").contains("****");
    }

    @Test
    void malformedJsonNamesTheLine() throws Exception {
        Path file = write("cluster.json", "{\"clusterId\": \"dc1\",\n  \"kafka\": }");

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV))
                .hasMessageStartingWith(file + ": not valid JSON: ").hasMessageContaining("(line 2, column");
    }

    @Test
    void aDuplicateKeyIsAnErrorNotLastOneWins() throws Exception {
        Path file = write("cluster.json", "{\"clusterId\": \"dc1\", \"clusterId\": \"dc2\"}");

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV)).hasMessageContaining("Duplicate field 'clusterId'");
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("nope.json");

        assertThatThrownBy(() -> ClusterFile.load(file, NO_ENV)).isInstanceOf(ClusterFileException.class)
                .hasMessageStartingWith(file + ": no such file");
    }

    @Test
    void writingAndLoadingGivesTheSameDescriptionAndKeepsEnvironmentReferences() throws Exception {
        ClusterDescription original = ClusterFile.load(write("cluster.json", VALID), env("B_PASSWORD", "s3cret"));
        Path copy = dir.resolve("copy/cluster.json");

        ClusterFile.write(original, copy);

        assertThat(Files.readString(copy)).contains("${B_PASSWORD}").doesNotContain("s3cret");
        assertThat(ClusterFile.load(copy, env("B_PASSWORD", "s3cret"))).isEqualTo(original);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static Function<String, String> env(String name, String value) {
        return Map.of(name, value)::get;
    }
}
