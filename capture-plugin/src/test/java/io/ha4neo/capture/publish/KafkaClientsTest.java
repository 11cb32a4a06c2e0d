package io.ha4neo.capture.publish;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real clients that {@link KafkaClients#fromProperties} creates. None of them connects: a client is built
 * against an address nobody listens on and closed again, and only what the client itself reports is checked.
 */
class KafkaClientsTest {
    private static final Duration CLOSE = Duration.ofSeconds(1);
    /** What a user could put under ha4neo.kafka.: CaptureConfig refuses the push setting, the clients override it. */
    private static final Map<String, String> USER = Map.of("bootstrap.servers", "127.0.0.1:1",
            "enable.metrics.push", "true");

    private final KafkaClients clients = KafkaClients.fromProperties(USER, "tx-test", "test", 1 << 20);

    // clientInstanceId throws IllegalStateException naming enable.metrics.push exactly when client-metrics push is
    // off: with it on, the client would need the OpenTelemetry classes that the plugin jar leaves out.

    @Test
    void theProducerNeverPushesClientMetrics() {
        var producer = clients.producer();
        try {
            assertThatThrownBy(() -> producer.clientInstanceId(Duration.ofMillis(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("enable.metrics.push");
        } finally {
            KafkaClients.closeQuietly(producer, CLOSE);
        }
    }

    @Test
    void theTailConsumerNeverPushesClientMetrics() {
        var consumer = clients.tailConsumer();
        try {
            assertThatThrownBy(() -> consumer.clientInstanceId(Duration.ofMillis(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("enable.metrics.push");
        } finally {
            KafkaClients.closeQuietly(consumer, CLOSE);
        }
    }

    @Test
    void theAdminClientNeverPushesClientMetrics() {
        var admin = clients.admin();
        try {
            assertThatThrownBy(() -> admin.clientInstanceId(Duration.ofMillis(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("enable.metrics.push");
        } finally {
            KafkaClients.closeQuietly(admin, CLOSE);
        }
    }
}
