package io.ha4neo.capture.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventSchemas;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.fixtures.RandomEvents;
import io.ha4neo.schemas.registry.InTestSchemaRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin's codec of the configured mode, against a Schema Registry over real HTTP: registry mode registers at
 * capture start, and only then; a registry that is down or refuses keeps capture from starting, naming the URL.
 */
class CaptureCodecsTest {
    private static final String TOPIC = "ha4neo.dc1.neo4j";
    private static final String SUBJECT = TOPIC + "-value";
    private final InTestSchemaRegistry registry = newRegistry();
    private final RecordingLog log = new RecordingLog();

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void withoutARegistryUrlRecordsCarryTheEmbeddedIdAndNoRegistryIsAsked() throws Exception {
        EventCodec codec = CaptureCodecs.forPublishing(config(Map.of()), log.log(), System::currentTimeMillis);
        assertThat(schemaId(codec.encode(new RandomEvents(1).transaction()).get(0)))
                .isEqualTo(EventSchemas.embeddedId(EventSchemas.CURRENT_VERSION));
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void registryModeRegistersUnderTheTopicsValueSubjectWithBackwardCompatibilityBeforeAnythingIsEncoded()
            throws Exception {
        Map<String, String> settings = Map.of("ha4neo.schema.registry.url", registry.url().toString());
        EventCodec codec = CaptureCodecs.forPublishing(config(settings), log.log(), System::currentTimeMillis);

        assertThat(registry.compatibility(SUBJECT)).isEqualTo("BACKWARD");
        assertThat(registry.versions(SUBJECT)).hasSize(1);
        int id = registry.versions(SUBJECT).get(0);
        assertThat(log.at("INFO")).singleElement().asString().contains(SUBJECT).contains("as id " + id)
                .contains("compatibility BACKWARD (was not set)");

        registry.close(); // encoding must not need it any more
        TransactionEvent tx = new RandomEvents(2).transaction();
        byte[] record = codec.encode(tx).get(0);
        assertThat(schemaId(record)).isEqualTo(id);
        assertThat(codec.decode(record)).isEqualTo(tx);
    }

    @Test
    void aReadingCodecDecodesTheRegistrysIdsFetchingEachOnce() throws Exception {
        Map<String, String> settings = Map.of("ha4neo.schema.registry.url", registry.url().toString());
        TransactionEvent tx = new RandomEvents(3).transaction();
        byte[] record = CaptureCodecs.forPublishing(config(settings), log.log(), System::currentTimeMillis)
                .encode(tx).get(0);
        EventCodec reader = CaptureCodecs.forReading(config(settings));

        assertThat(reader.decode(record)).isEqualTo(tx);
        assertThat(reader.decode(record)).isEqualTo(tx);
        assertThat(registry.requests).filteredOn(r -> r.startsWith("GET /schemas/ids/")).hasSize(1);
    }

    @Test
    void sendsTheConfiguredBasicAuthentication() throws Exception {
        registry.requireAuthorization("Basic Y2FwdHVyZTpzM2NyZXQ="); // capture:s3cret
        Map<String, String> settings = Map.of("ha4neo.schema.registry.url", registry.url().toString(),
                "ha4neo.schema.registry.basic.auth.user.info", "capture:s3cret");
        CaptureCodecs.forPublishing(config(settings), log.log(), System::currentTimeMillis);
        assertThat(registry.versions(SUBJECT)).hasSize(1);
    }

    @Test
    void aRegistryThatRefusesTheCredentialsStopsTheStartAtOnceNamingTheUrlAndTheKeysToFix() {
        registry.requireAuthorization("Basic nobody");
        Map<String, String> settings = Map.of("ha4neo.schema.registry.url", registry.url().toString(),
                "ha4neo.schema.registry.timeout.ms", "600000");
        long start = System.nanoTime();
        assertThatThrownBy(() -> CaptureCodecs.forPublishing(config(settings), log.log(), System::currentTimeMillis))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(registry.url().toString())
                .hasMessageContaining(SUBJECT).hasMessageContaining("HTTP 401")
                .hasMessageContaining("ha4neo.schema.registry.basic.auth.user.info");
        assertThat(System.nanoTime() - start).as("not retried").isLessThan(5_000_000_000L);
    }

    @Test
    void aRegistryThatIsDownStopsTheStartAfterTheTimeoutNamingTheUrlAndTheSetting() throws Exception {
        String down = "http://127.0.0.1:" + freePort();
        Map<String, String> settings = Map.of("ha4neo.schema.registry.url", down,
                "ha4neo.schema.registry.timeout.ms", "2500");
        assertThatThrownBy(() -> CaptureCodecs.forPublishing(config(settings), log.log(), System::currentTimeMillis))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(down)
                .hasMessageContaining("did not answer within 2500 ms (ha4neo.schema.registry.timeout.ms)")
                .hasMessageContaining("database 'neo4j'");
        assertThat(log.at("WARN")).singleElement().asString().contains(down).contains("retrying for up to 2500 ms");
    }

    @Test
    void aRegistryThatComesBackWithinTheTimeoutIsWaitedFor() throws Exception {
        registry.failWith(503);
        Thread heal = new Thread(() -> {
            sleep(1_500);
            registry.failWith(0);
        });
        heal.start();
        Map<String, String> settings = Map.of("ha4neo.schema.registry.url", registry.url().toString(),
                "ha4neo.schema.registry.timeout.ms", "30000");
        EventCodec codec = CaptureCodecs.forPublishing(config(settings), log.log(), System::currentTimeMillis);
        heal.join();
        assertThat(schemaId(codec.encode(new RandomEvents(4).transaction()).get(0)))
                .isEqualTo(registry.versions(SUBJECT).get(0));
        assertThat(log.at("WARN")).hasSize(1);
    }

    private static CaptureConfig config(Map<String, String> settings) {
        Map<String, String> raw = new HashMap<>(settings);
        raw.put("ha4neo.topic", TOPIC);
        raw.put("ha4neo.kafka.bootstrap.servers", "127.0.0.1:9092");
        return CaptureConfig.parse(raw, "neo4j", Path.of("/opt/neo4j"));
    }

    private static int schemaId(byte[] record) {
        assertThat(record[0]).as("magic byte").isZero();
        return ByteBuffer.wrap(record, 1, 4).getInt();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InTestSchemaRegistry newRegistry() {
        try {
            return new InTestSchemaRegistry();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
