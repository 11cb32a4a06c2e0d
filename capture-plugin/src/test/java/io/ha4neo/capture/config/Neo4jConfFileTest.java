package io.ha4neo.capture.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.config.ConfigDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Neo4jConfFileTest {
    @TempDir
    Path home;

    @Test
    void readsHa4neoLinesAndIgnoresCommentsBlanksAndOtherSettings() throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf")).resolve("neo4j.conf");
        Files.writeString(conf, String.join("\n",
                "# ha4neo.role=standby",
                "   #ha4neo.epoch=9",
                "",
                "server.memory.heap.max_size=1G",
                "  ha4neo.cluster.id =  dc1  ",
                "ha4neo.kafka.sasl.jaas.config=Module required username=\"a\" password=\"b=c\";",
                "ha4neo.durability=semi-sync",
                "=orphan",
                "ha4neo.no-equals-sign",
                "dbms.ha4neo.fake=1"));

        Map<String, String> read = Neo4jConfFile.read(Neo4jConfFile.locate(home, Map.of()), Map.of());

        assertThat(read).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ha4neo.cluster.id", "dc1",
                "ha4neo.kafka.sasl.jaas.config", "Module required username=\"a\" password=\"b=c\";",
                "ha4neo.durability", "semi-sync"));
    }

    @Test
    void locatesTheFileInNeo4jConfWhenSetElseUnderTheHome() {
        assertThat(Neo4jConfFile.locate(home, Map.of())).isEqualTo(home.resolve("conf").resolve("neo4j.conf"));
        assertThat(Neo4jConfFile.locate(home, Map.of("NEO4J_CONF", "/etc/neo4j")))
                .isEqualTo(Path.of("/etc/neo4j/neo4j.conf"));
        assertThat(Neo4jConfFile.locate(home, Map.of("NEO4J_CONF", " ")))
                .isEqualTo(home.resolve("conf").resolve("neo4j.conf"));
    }

    @Test
    void mapsEnvironmentVariablesTheWayTheOfficialImageDoesAndTheyWinOverTheFile() throws Exception {
        Path conf = home.resolve("neo4j.conf");
        Files.writeString(conf, "ha4neo.semi_sync.timeout.ms=100\nha4neo.role=primary\n");
        Map<String, String> env = Map.of(
                "NEO4J_ha4neo_semi__sync_timeout_ms", "500",
                "NEO4J_ha4neo_kafka_bootstrap_servers", "k1:9092",
                "NEO4J_server_memory_heap_max__size", "2G",
                "HA4NEO_ROLE", "standby");

        Map<String, String> read = Neo4jConfFile.read(conf, env);

        assertThat(read).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ha4neo.semi_sync.timeout.ms", "500",
                "ha4neo.role", "primary",
                "ha4neo.kafka.bootstrap.servers", "k1:9092"));
        CaptureConfig config = CaptureConfig.parse(read, "neo4j", home);
        assertThat(config.semiSyncTimeoutMillis()).isEqualTo(500);
    }

    @Test
    void everyDeclaredKeySurvivesTheTripThroughAnEnvironmentVariableName() {
        // Property: for every key the plugin declares, the image's naming rule is inverted exactly.
        for (ConfigDef.Key key : CaptureConfig.DEF.keys()) {
            String full = CaptureConfig.PREFIX + key.name();
            String env = full.replace("_", "__").replace('.', '_');
            assertThat(Neo4jConfFile.envToKey(env)).as(env).isEqualTo(full);
        }
    }

    @Test
    void aMissingFileYieldsOnlyTheEnvironment() {
        Map<String, String> read = Neo4jConfFile.read(home.resolve("nope/neo4j.conf"), Map.of("NEO4J_ha4neo_epoch", "3"));
        assertThat(read).containsExactly(Map.entry("ha4neo.epoch", "3"));
    }
}
