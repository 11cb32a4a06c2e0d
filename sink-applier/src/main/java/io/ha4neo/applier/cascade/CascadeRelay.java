package io.ha4neo.applier.cascade;

import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.contract.RecordHeaders;
import io.ha4neo.schemas.topology.TailSearch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cascading (docs/cascading.md): copies every record of the topic this applier reads, byte for byte and in order, to
 * a topic of its own, but only records its standby has committed (the watermark's offset, handed over by the apply
 * loop after every write, {@link #standbyAt}), so that a further standby following the copy is never ahead of this
 * one. The events are the primary's own, so commit ids, the chain and the epochs stay exactly as they are; a
 * standby reading the copy applies it like the primary's topic.
 *
 * <p><b>Exactly once.</b> Copies go out in Kafka transactions under the transactional id
 * {@code ha4neo-cascade-<target>}, each record with the topic and offset it was copied from
 * ({@link io.ha4neo.schemas.contract.RecordHeaders#RELAY_TOPIC}, {@code RELAY_OFFSET}). Every incarnation of the relay
 * (after a kill -9 of the applier, an error, or the other applier of the standby taking over) first calls
 * {@code initTransactions}, which aborts whatever the previous one left open and fences it, then reads the target's
 * last committed record ({@link RelayTail}) and resumes right after its source offset.
 *
 * <p>One thread, {@code ha4neo-cascade-relay} (never left behind: {@link #close} wakes it and waits for it). An error of Kafka ends the
 * incarnation and a new one starts after a back-off (0.5 s doubling to 30 s); a target the relay must not write into
 * ends the relay for good ({@link CascadeRefusedException}, given to {@code onRefused}).
 */
public final class CascadeRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CascadeRelay.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long HOLD_MILLIS = 5;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    /** The relay's Kafka clients: a new producer and consumer per incarnation, and the target topic's check. */
    public interface Clients {
        Producer<byte[], byte[]> producer();

        org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer();

        /** Creates {@code topic} with one partition when missing; refuses one with several. */
        void ensureTopic(String topic);
    }

    private final String sourceTopic;
    private final String targetTopic;
    private final Clients clients;
    private final Consumer<CascadeRefusedException> onRefused;
    private final AtomicLong standbyOffset = new AtomicLong(-1);
    private final AtomicLong copiedOffset = new AtomicLong(-1);
    private final Thread thread;
    private final Object wake = new Object();
    private volatile boolean stopping;
    private volatile org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> reading; // woken up by close()

    /**
     * A relay whose clients connect with {@code connection} (bootstrap servers and security settings).
     *
     * @param onRefused told once when the target must not be written to; the relay has stopped then
     */
    public static CascadeRelay overKafka(String sourceTopic, String targetTopic, Properties connection,
                                         Consumer<CascadeRefusedException> onRefused) {
        return new CascadeRelay(sourceTopic, targetTopic, new KafkaClients(targetTopic, connection), onRefused);
    }

    /** A relay over {@code clients} (a test's mocks). */
    public CascadeRelay(String sourceTopic, String targetTopic, Clients clients,
                        Consumer<CascadeRefusedException> onRefused) {
        if (sourceTopic.equals(targetTopic)) {
            throw new IllegalArgumentException("a cascade cannot copy " + sourceTopic + " into itself");
        }
        this.sourceTopic = sourceTopic;
        this.targetTopic = targetTopic;
        this.clients = clients;
        this.onRefused = onRefused;
        this.thread = new Thread(this::run, "ha4neo-cascade-relay");
        this.thread.setDaemon(true);
    }

    /** Starts the relay's thread. */
    public CascadeRelay start() {
        thread.start();
        return this;
    }

    /**
     * The standby is at {@code w} (positioned, or a write committed): records of the source topic up to its offset may
     * be copied. Called by the apply loop's thread; never blocks.
     */
    public void standbyAt(Watermark w) {
        if (w.topic().equals(sourceTopic) && w.partition() == 0) {
            standbyOffset.accumulateAndGet(w.offset(), Math::max);
        }
    }

    /** The source offset of the last record copied and committed, or -1. */
    public long copiedOffset() {
        return copiedOffset.get();
    }

    /** Stops the relay: wakes its consumer and its pauses (no interrupt: Kafka's clients close cleanly), waits. */
    @Override
    public void close() {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer = reading;
        if (consumer != null) {
            consumer.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(40));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = 500;
        while (!stopping) {
            try {
                relay();
            } catch (CascadeRefusedException e) {
                log.error("cascade relay stopped: {}", e.getMessage());
                onRefused.accept(e);
                return;
            } catch (ProducerFencedException e) {
                log.warn("cascade relay to {}: another relay with the same transactional id took over (the other "
                        + "applier of this standby?); starting again in {} ms", targetTopic, backoff);
            } catch (RuntimeException e) {
                if (stopping) {
                    return; // close() woke the consumer up
                }
                log.warn("cascade relay to {} failed ({}); starting again from its last copied record in {} ms",
                        targetTopic, e.toString(), backoff);
            }
            if (!sleep(backoff)) {
                return;
            }
            backoff = Math.min(30_000, backoff * 2);
        }
    }

    /** One incarnation: wait for the standby's position, fence the previous one, find where to resume, copy. */
    private void relay() {
        while (standbyOffset.get() < 0) {
            if (stopping || !sleep(50)) {
                return;
            }
        }
        clients.ensureTopic(targetTopic);
        try (Producer<byte[], byte[]> producer = clients.producer();
             org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer = clients.consumer()) {
            reading = consumer;
            if (stopping) {
                return;
            }
            producer.initTransactions(); // aborts what a previous incarnation left open, and fences it
            long from = resumeOffset(consumer);
            TopicPartition source = new TopicPartition(sourceTopic, 0);
            consumer.assign(List.of(source));
            consumer.seek(source, from);
            log.info("cascade relay: copying {} to {} from offset {}, as far as this standby has applied (offset {} "
                    + "now)", sourceTopic, targetTopic, from, standbyOffset.get());
            copy(consumer, producer);
        } finally {
            reading = null;
        }
    }

    private void copy(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
                      Producer<byte[], byte[]> producer) {
        Deque<ConsumerRecord<byte[], byte[]>> held = new ArrayDeque<>();
        while (!stopping) {
            long applied = standbyOffset.get();
            if (held.isEmpty() || held.peekLast().offset() <= applied) {
                consumer.poll(held.isEmpty() ? POLL : Duration.ZERO).forEach(held::add);
            }
            List<ConsumerRecord<byte[], byte[]>> ready = new ArrayList<>();
            while (!held.isEmpty() && held.peekFirst().offset() <= applied) {
                ready.add(held.pollFirst());
            }
            if (ready.isEmpty()) {
                if (!held.isEmpty() && !sleep(HOLD_MILLIS)) {
                    return; // the standby has not applied the next record yet
                }
                continue;
            }
            producer.beginTransaction();
            for (ConsumerRecord<byte[], byte[]> r : ready) {
                producer.send(copyOf(r));
            }
            producer.commitTransaction();
            copiedOffset.set(ready.get(ready.size() - 1).offset());
        }
    }

    /** The record for the target: key, value, timestamp and headers as they were, plus where it came from. */
    ProducerRecord<byte[], byte[]> copyOf(ConsumerRecord<byte[], byte[]> r) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().equals(RecordHeaders.RELAY_TOPIC) && !h.key().equals(RecordHeaders.RELAY_OFFSET)) {
                headers.add(h); // a copy of a copy names only its own source
            }
        }
        headers.add(RecordHeaders.RELAY_TOPIC, sourceTopic.getBytes(StandardCharsets.UTF_8));
        headers.add(RecordHeaders.RELAY_OFFSET, RecordHeaders.numberValue(r.offset()));
        Long timestamp = r.timestamp() < 0 ? null : r.timestamp(); // a record without one gets the copy's time
        return new ProducerRecord<>(targetTopic, 0, timestamp, r.key(), r.value(), headers);
    }

    /** After the source offset of the target's last committed record ({@link RelayTail}). */
    private long resumeOffset(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        TopicPartition target = new TopicPartition(targetTopic, 0);
        consumer.assign(List.of(target));
        long begin = consumer.beginningOffsets(List.of(target), KAFKA_TIMEOUT).get(target);
        long end = consumer.endOffsets(List.of(target), KAFKA_TIMEOUT).get(target);
        Optional<ConsumerRecord<byte[], byte[]>> last = TailSearch.last(begin, end,
                (from, to) -> lastBetween(consumer, target, from, to));
        return RelayTail.resumeOffset(last.map(ConsumerRecord::headers), sourceTopic, targetTopic);
    }

    private static Optional<ConsumerRecord<byte[], byte[]>> lastBetween(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, TopicPartition tp, long from, long to) {
        consumer.seek(tp, from);
        ConsumerRecord<byte[], byte[]> last = null;
        long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
        while (consumer.position(tp) < to) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading offsets " + from + ".." + to
                        + " of " + tp + " took longer than " + KAFKA_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < to) {
                    last = r;
                }
            }
        }
        return Optional.ofNullable(last);
    }

    /** Pauses; false when the relay is stopping ({@link #close} ends the pause at once). */
    private boolean sleep(long millis) {
        synchronized (wake) {
            if (!stopping) {
                try {
                    wake.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !stopping;
    }

    /** The real clients, connecting with the applier's connection settings. */
    static final class KafkaClients implements Clients {
        private final String targetTopic;
        private final Properties connection;

        KafkaClients(String targetTopic, Properties connection) {
            this.targetTopic = targetTopic;
            this.connection = connection;
        }

        @Override
        public Producer<byte[], byte[]> producer() {
            return new KafkaProducer<>(producerProperties());
        }

        @Override
        public org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer() {
            return new KafkaConsumer<>(consumerProperties());
        }

        /** Creates the target topic with one partition when it does not exist; refuses one with several. */
        @Override
        public void ensureTopic(String targetTopic) {
            try (Admin admin = Admin.create(connection)) {
                try {
                    admin.createTopics(List.of(new NewTopic(targetTopic, Optional.of(1), Optional.empty()))).all()
                            .get(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    log.info("cascade relay: created topic {} (1 partition)", targetTopic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new org.apache.kafka.common.KafkaException("creating " + targetTopic + ": " + e.getCause(),
                                e.getCause());
                    }
                }
                Map<String, TopicDescription> d = admin.describeTopics(Set.of(targetTopic)).allTopicNames()
                        .get(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                int partitions = d.get(targetTopic).partitions().size();
                if (partitions != 1) {
                    throw new CascadeRefusedException("cascade.topic " + targetTopic + " has " + partitions
                            + " partitions; a replication log has exactly one (its order is the commit order). Nothing "
                            + "was copied; create it with one partition or name another topic");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            } catch (ExecutionException | TimeoutException e) {
                throw new org.apache.kafka.common.KafkaException("checking topic " + targetTopic + ": " + e, e);
            }
        }

        private Properties producerProperties() {
            Properties p = new Properties();
            p.putAll(connection);
            p.put("transactional.id", "ha4neo-cascade-" + targetTopic);
            p.put("client.id", "ha4neo-cascade-" + targetTopic);
            p.put("enable.idempotence", "true");
            p.put("acks", "all");
            p.put("linger.ms", "0");
            p.put("key.serializer", ByteArraySerializer.class.getName());
            p.put("value.serializer", ByteArraySerializer.class.getName());
            return p;
        }

        private Properties consumerProperties() {
            Properties p = new Properties();
            p.putAll(connection);
            p.put("client.id", "ha4neo-cascade-" + targetTopic + "-reader");
            p.put("isolation.level", "read_committed");
            p.put("enable.auto.commit", "false");
            p.put("auto.offset.reset", "earliest");
            p.put("key.deserializer", ByteArrayDeserializer.class.getName());
            p.put("value.deserializer", ByteArrayDeserializer.class.getName());
            return p;
        }
    }
}
