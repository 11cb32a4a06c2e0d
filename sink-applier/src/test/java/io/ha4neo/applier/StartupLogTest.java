package io.ha4neo.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.config.ApplierConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one start-up line with the effective configuration, as slf4j-simple writes it (to System.err), shows no
 * secret in clear, wherever the secret came from (file or environment).
 */
class StartupLogTest {

    @Test
    void logsTheEffectiveConfigurationWithEverySecretMasked(@TempDir Path dir) throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY----- s3cret-keymaterial");
        secrets.put("kafka.ssl.key.password", "s3cret-keypass");
        secrets.put("kafka.ssl.keystore.password", "s3cret-keystore");
        secrets.put("kafka.ssl.truststore.password", "s3cret-truststore");
        secrets.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"applier\" password=\"s3cret-jaas\";");
        secrets.put("kafka.basic.auth.user.info", "applier:s3cret-basic");
        secrets.put("kafka.sasl.oauthbearer.client.credentials.client.secret", "s3cret-oauth");
        secrets.put("neo4j.password", "s3cret-neo4j");
        Path file = dir.resolve("applier.properties");
        Files.writeString(file, "neo4j.uri=bolt://standby:7687\ntopic=ha4neo.dc1.neo4j\n"
                + "kafka.bootstrap.servers=k:9092\nkafka.ssl.truststore.certificates=PUBLIC-CERT\n"
                + "kafka.ssl.keystore.key=" + secrets.get("kafka.ssl.keystore.key") + "\n"
                + "kafka.sasl.jaas.config=" + secrets.get("kafka.sasl.jaas.config") + "\n");
        Map<String, String> env = new LinkedHashMap<>(); // the other secrets as HA4NEO_* variables
        secrets.forEach((key, value) -> {
            if (!key.equals("kafka.ssl.keystore.key") && !key.equals("kafka.sasl.jaas.config")) {
                env.put(ApplierConfig.DEF.environmentVariable(key), value); // e.g. HA4NEO_KAFKA_SSL_KEY_PASSWORD
            }
        });
        ApplierConfig config = ApplierConfig.load(file, env);

        String logged = capturedStandardError(() -> ApplierMain.logEffectiveConfiguration(config));

        assertThat(logged).contains("starting ha4neo applier with configuration")
                .contains("kafka.ssl.keystore.key=********")
                .contains("topic=ha4neo.dc1.neo4j")
                .contains("kafka.ssl.truststore.certificates=PUBLIC-CERT");
        secrets.keySet().forEach(key -> assertThat(logged).as(key).contains(key + "=********"));
        assertThat(logged).doesNotContain("s3cret");
    }

    /** What slf4j-simple writes while {@code action} runs; it looks System.err up at each log call. */
    private static String capturedStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
