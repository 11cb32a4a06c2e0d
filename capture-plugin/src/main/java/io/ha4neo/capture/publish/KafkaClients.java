package io.ha4neo.capture.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates the plugin's Kafka clients from the user's pass-through properties plus the settings the
 * replication log depends on (idempotent transactional producer, acks=all, read_committed tail reads).
 * An interface so tests can substitute clients.
 *
 * <p>Client-metrics push (KIP-714, {@code enable.metrics.push}) is off on every client: it needs Kafka's shaded
 * OpenTelemetry classes, which the plugin jar leaves out (capture-plugin/pom.xml) because Neo4j loads every class of
 * a plugin jar at start-up. A client that had it on would fail in its I/O thread as soon as a broker asked it for
 * metrics. {@code CaptureConfig} refuses {@code ha4neo.kafka.enable.metrics.push=true} for the same reason.
 */
public interface KafkaClients {
    Producer<byte[], byte[]> producer();

    Admin admin();

    Consumer<byte[], byte[]> tailConsumer();

    /** Real clients. */
    static KafkaClients fromProperties(Map<String, String> userProperties, String transactionalId, String clientId,
                                       int maxRecordBytes) {
        return new KafkaClients() {
            @Override
            public Producer<byte[], byte[]> producer() {
                Map<String, Object> p = new HashMap<>(userProperties);
                p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
                p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
                p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
                p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
                p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
                p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Math.max(1 << 20, maxRecordBytes + (64 << 10))));
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
                p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
                p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
                return withPluginClassLoader(() -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
            }

            @Override
            public Admin admin() {
                Map<String, Object> p = new HashMap<>(adminSafe(userProperties));
                p.put("client.id", clientId + "-admin");
                p.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, "false");
                p.putIfAbsent("request.timeout.ms", "10000");
                p.putIfAbsent("default.api.timeout.ms", "15000");
                return withPluginClassLoader(() -> Admin.create(p));
            }

            @Override
            public Consumer<byte[], byte[]> tailConsumer() {
                Map<String, Object> p = new HashMap<>(adminSafe(userProperties));
                p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
                p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
                p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-tail");
                p.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
                p.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
                p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
                p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Math.max(1 << 20, maxRecordBytes + (64 << 10))));
                return withPluginClassLoader(() -> new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            }
        };
    }

    /** Connection and security settings only: producer tuning keys would make admin/consumer clients warn. */
    private static Map<String, String> adminSafe(Map<String, String> user) {
        Map<String, String> out = new HashMap<>();
        user.forEach((k, v) -> {
            if (k.startsWith("bootstrap.") || k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")
                    || k.startsWith("client.dns") || k.startsWith("reconnect.") || k.startsWith("retry.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Kafka instantiates configured classes (SASL callback handlers, partitioners) through the thread context
     * class loader; inside Neo4j that may not see the plugin's relocated classes.
     */
    private static <T> T withPluginClassLoader(Supplier<T> create) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(KafkaClients.class.getClassLoader());
        try {
            return create.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /** Closes quietly within a bounded time; used on every error path. */
    static void closeQuietly(AutoCloseable c, Duration timeout) {
        if (c == null) {
            return;
        }
        try {
            if (c instanceof Producer<?, ?> p) {
                p.close(timeout);
            } else if (c instanceof Consumer<?, ?> k) {
                k.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(timeout));
            } else if (c instanceof Admin a) {
                a.close(timeout);
            } else {
                c.close();
            }
        } catch (Exception ignored) {
            // Closing a client of an unreachable cluster can fail; the client is abandoned either way.
        }
    }
}
