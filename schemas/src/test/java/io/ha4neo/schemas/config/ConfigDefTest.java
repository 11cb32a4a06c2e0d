package io.ha4neo.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.config.ConfigDef.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parts of {@link ConfigDef} that a service configured from a file and the environment uses. */
class ConfigDefTest {
    private static final ConfigDef DEF = new ConfigDef("")
            .define("db.uri", Type.STRING, ConfigDef.REQUIRED, ConfigDef.matches("bolt://.+", "a bolt:// URI"),
                    "Where the database is.")
            .define("db.password", Type.PASSWORD, "", "Password; empty turns authentication off.")
            .define("port", Type.INT, "9404", ConfigDef.portOrZero(), "HTTP port.")
            .define("batch.size", Type.INT, "10", ConfigDef.atLeast(1), "Batch size.")
            .define("skip.id", Type.LONG, null, ConfigDef.atLeast(1), "Optional id.")
            .define("kafka.bootstrap.servers", Type.STRING, ConfigDef.REQUIRED, ConfigDef.nonEmpty(), "Brokers.")
            .passThrough("kafka.", "Consumer properties.", Map.of("enable.auto.commit", "false"),
                    "positions come from the database")
            .environmentOverrides("SVC_");

    private static Map<String, String> minimal(String... keyValues) {
        Map<String, String> raw = new HashMap<>(Map.of("db.uri", "bolt://db:7687", "kafka.bootstrap.servers", "k:9092"));
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put(keyValues[i], keyValues[i + 1]);
        }
        return raw;
    }

    @Test
    void mapsEnvironmentVariablesToDeclaredAndPassThroughKeysAndIgnoresOthers() {
        Map<String, String> raw = DEF.fromEnvironment(Map.of("SVC_DB_URI", "bolt://env:7687",
                "SVC_KAFKA_MAX_POLL_RECORDS", "50", "SVC_SKIP_ID", "7", "PATH", "/bin"));
        assertThat(raw).containsExactlyInAnyOrderEntriesOf(Map.of("db.uri", "bolt://env:7687",
                "kafka.max.poll.records", "50", "skip.id", "7"));
        assertThat(DEF.environmentVariable("batch.size")).isEqualTo("SVC_BATCH_SIZE");
    }

    @Test
    void refusesAnUnknownVariableUnderThePrefixNamingItWithASuggestion() {
        assertThatThrownBy(() -> DEF.fromEnvironment(Map.of("SVC_BATCH_SIZ", "3")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("SVC_BATCH_SIZ"))
                .hasMessageContaining("unknown environment variable")
                .hasMessageContaining("did you mean SVC_BATCH_SIZE?")
                .hasMessageContaining("SVC_KAFKA_*");
    }

    @Test
    void letsTheEnvironmentWinOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("svc.properties");
        Files.writeString(file, "db.uri = bolt://file:7687\nkafka.bootstrap.servers=k:9092\nbatch.size=5\n");
        ConfigValues v = DEF.load(file, Map.of("SVC_BATCH_SIZE", "6"));
        assertThat(v.getString("db.uri")).isEqualTo("bolt://file:7687");
        assertThat(v.getInt("batch.size")).isEqualTo(6);
        assertThatThrownBy(() -> DEF.load(dir.resolve("missing.properties"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read configuration file");
    }

    @Test
    void namesTheEnvironmentVariableOfAMissingRequiredKey() {
        Map<String, String> raw = minimal();
        raw.remove("db.uri");
        assertThatThrownBy(() -> DEF.parse(raw))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("db.uri"))
                .hasMessageContaining("is required").hasMessageContaining("SVC_DB_URI");
    }

    @Test
    void forcedPassThroughSettingsCannotBeOverriddenButMayBeRepeated() {
        assertThatThrownBy(() -> DEF.parse(minimal("kafka.enable.auto.commit", "true")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("kafka.enable.auto.commit"))
                .hasMessageContaining("fixed to false because positions come from the database");
        assertThat(DEF.parse(minimal("kafka.enable.auto.commit", "false")).passThrough("kafka."))
                .containsEntry("enable.auto.commit", "false");
        assertThat(DEF.parse(minimal()).passThrough("kafka.")).containsEntry("enable.auto.commit", "false")
                .containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void anOptionalKeyWithoutDefaultIsUnsetWhenAbsentOrEmpty() {
        assertThat(DEF.parse(minimal()).getOptionalLong("skip.id")).isEmpty();
        assertThat(DEF.parse(minimal("skip.id", " ")).getOptionalLong("skip.id")).isEmpty();
        assertThat(DEF.parse(minimal("skip.id", "42")).getOptionalLong("skip.id")).hasValue(42);
        assertThatThrownBy(() -> DEF.parse(minimal("skip.id", "0"))).hasMessageContaining("skip.id: 0 is outside [1, …]");
        assertThatThrownBy(() -> DEF.parse(minimal("batch.size", ""))).hasMessageContaining("batch.size: '' is not a valid int");
    }

    @Test
    void validatorsNameTheKeyAndWhatIsAccepted() {
        assertThatThrownBy(() -> DEF.parse(minimal("db.uri", "http://x")))
                .hasMessageContaining("db.uri: 'http://x' is not a bolt:// URI");
        assertThatThrownBy(() -> DEF.parse(minimal("port", "70000")))
                .hasMessageContaining("port: 70000 is not a port number");
        assertThat(DEF.parse(minimal("port", "0")).getInt("port")).isZero();
        assertThatThrownBy(() -> DEF.parse(minimal("kafka.bootstrap.servers", " ")))
                .hasMessageContaining("kafka.bootstrap.servers: must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssl.keystore.key", "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
            "sasl.jaas.config", "basic.auth.user.info", "schema.registry.basic.auth.user.info",
            "sasl.oauthbearer.client.credentials.client.secret", "sasl.oauthbearer.assertion.private.key.passphrase",
            "bearer.auth.token", "SSL.KEY.PASSWORD"})
    void masksPassThroughKeysWhoseNameLooksSecret(String name) {
        String line = DEF.parse(minimal("kafka." + name, "hunter2")).describeMasked();
        assertThat(line).doesNotContain("hunter2").contains("kafka." + name + "=" + ConfigValues.MASK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssl.truststore.certificates", "ssl.keystore.location", "security.protocol",
            "sasl.mechanism", "max.poll.records"})
    void showsPublicPassThroughSettingsInClear(String name) {
        assertThat(DEF.parse(minimal("kafka." + name, "visible-value")).describeMasked())
                .contains("kafka." + name + "=visible-value");
    }

    @Test
    void masksPasswordKeysKeepsTheirSpacesAndShowsADeclaredPassThroughKeyOnce() {
        ConfigValues v = DEF.parse(minimal("db.password", " s3cret "));
        assertThat(v.getString("db.password")).isEqualTo(" s3cret ");
        String line = v.describeMasked();
        assertThat(line).doesNotContain("s3cret").contains("db.password=" + ConfigValues.MASK)
                .contains("kafka.enable.auto.commit=false");
        assertThat(line.split("kafka.bootstrap.servers=", -1)).hasSize(2);
        assertThat(DEF.parse(minimal()).describeMasked()).contains("db.password=,");
    }

    @Test
    void documentsForcedSettingsUnsetDefaultsAndTheEnvironmentInTheGeneratedReference() {
        String md = DEF.toMarkdown();
        assertThat(md).startsWith("| key | type | default | valid values | description |\n")
                .contains("| `skip.id` | long | (unset) | [1, …] | Optional id. |")
                .contains("| `db.password` | password |  |  |")
                .contains("| `kafka.*` | pass-through |  |  | Consumer properties. Fixed, because positions come from "
                        + "the database: `enable.auto.commit=false`. |")
                .contains("`db.uri` → `SVC_DB_URI`").contains("`kafka.*` → `SVC_KAFKA_*`");
        String doc = "intro\n" + DEF.toMarkdownSection("svc-config") + "\noutro";
        assertThat(ConfigDef.markdownSection(doc, "svc-config")).hasValue(DEF.toMarkdownSection("svc-config"));
        assertThat(ConfigDef.markdownSection(doc, "other-config")).isEmpty();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "http://registry:8081", "https://r.example/apis/ccompat/v7",
            "http://127.0.0.1:8081/"})
    void acceptsAnEmptyValueOrAnHttpUrlWhereAnHttpUrlIsExpected(String url) {
        ConfigDef def = new ConfigDef("").define("registry.url", Type.STRING, "", ConfigDef.httpUrlOrEmpty(), "Registry.");
        assertThat(def.parse(Map.of("registry.url", url)).getString("registry.url")).isEqualTo(url);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"registry:8081", "http://", "ftp://registry:21",
            "http://registry:8081/x y", "http://registry:8081?user=a", "localhost"})
    void refusesAMalformedUrlNamingTheKey(String url) {
        ConfigDef def = new ConfigDef("svc.").define("registry.url", Type.STRING, "", ConfigDef.httpUrlOrEmpty(),
                "Registry.");
        assertThatThrownBy(() -> def.parse(Map.of("svc.registry.url", url))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("svc.registry.url").hasMessageContaining("not an http:// or https:// URL");
    }
}
