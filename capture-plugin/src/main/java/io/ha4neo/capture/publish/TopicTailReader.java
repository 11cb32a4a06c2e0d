package io.ha4neo.capture.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the commit id of the last committed record of a replication topic (its key), as a read_committed consumer
 * sees it: the topic, not a local file, says what the standbys can have. Reads backwards in growing windows from
 * the end, so a long topic costs a few small fetches.
 */
public final class TopicTailReader {
    private TopicTailReader() {
    }

    /**
     * The topic's last commit id, 0 when the topic is empty or does not exist yet, or empty when Kafka cannot be
     * asked within {@code timeoutMillis}.
     */
    public static OptionalLong lastCommitId(KafkaClients clients, String topic, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (Admin admin = clients.admin()) {
                if (!admin.listTopics().names().get(Math.max(1, deadline - System.currentTimeMillis()),
                        TimeUnit.MILLISECONDS).contains(topic)) {
                    return OptionalLong.of(0);
                }
                try (Consumer<byte[], byte[]> consumer = clients.tailConsumer()) {
                    return OptionalLong.of(lastCommitId(consumer, topic, System::currentTimeMillis));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalLong.empty();
            } catch (Exception e) {
                if (System.currentTimeMillis() + 1_000 > deadline) {
                    return OptionalLong.empty();
                }
                sleepQuietly(1_000);
            }
        }
    }

    /**
     * The last committed record's key of partition 0, 0 when the partition is empty. Each window must be read within
     * 15 s of {@code clockMillis} (the publisher passes its injected clock).
     */
    public static long lastCommitId(Consumer<byte[], byte[]> consumer, String topic, LongSupplier clockMillis) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(Set.of(tp));
        long begin = consumer.beginningOffsets(Set.of(tp)).get(tp);
        long end = consumer.endOffsets(Set.of(tp)).get(tp);
        for (long step = 16; end > begin; step *= 4) {
            long from = Math.max(begin, end - step);
            Long key = lastKeyBetween(consumer, tp, from, end, clockMillis);
            if (key != null || from == begin) {
                return key == null ? 0 : key;
            }
        }
        return 0;
    }

    private static Long lastKeyBetween(Consumer<byte[], byte[]> consumer, TopicPartition tp, long from, long end,
                                       LongSupplier clockMillis) {
        consumer.seek(tp, from);
        Long last = null;
        long deadline = clockMillis.getAsLong() + 15_000;
        while (consumer.position(tp) < end) {
            if (clockMillis.getAsLong() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading the tail of " + tp + " took over 15 s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end && r.key() != null) {
                    last = Long.parseLong(new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        }
        return last;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
