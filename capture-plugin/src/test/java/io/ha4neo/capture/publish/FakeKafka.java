package io.ha4neo.capture.publish;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.AbortTransactionOptions;
import org.apache.kafka.clients.admin.AbortTransactionResult;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminResults;
import org.apache.kafka.clients.admin.DescribeProducersOptions;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An in-memory Kafka behind the {@link KafkaClients} seam, holding the one partition of the replication topic:
 * <ul>
 *   <li>{@link #producer()}: a {@link MockProducer} whose committed transactions land in the partition;</li>
 *   <li>{@link #tailConsumer()}: a {@link MockConsumer} that reads the partition like a read_committed
 *       consumer (it skips markers and aborted records and ends at the last stable offset);</li>
 *   <li>{@link #admin()}: a {@link MockAdminClient} that also answers the open-transaction queries Kafka's mock
 *       does not implement (listOffsets by isolation level, describeProducers, abortTransaction).</li>
 * </ul>
 * Offsets are Kafka's: every record takes one and so does every transaction marker, so the log end offset
 * lies past the last record. Time-dependent behaviour (an open transaction completing) reads {@link FakeTime}.
 * Public, so that capture's own tests can start a whole {@code CaptureService} on it.
 */
public final class FakeKafka implements KafkaClients {
    /** A committed record of the partition. */
    record Entry(long offset, String topic, int partition, long key, String value, long epoch) {
        Entry(long offset, String topic, int partition, long key, String value) {
            this(offset, topic, partition, key, value, 0);
        }

    }

    /** A transaction left open at the end of the partition by a producer that is gone. */
    private record OpenTransaction(ProducerState producer, List<Long> commitIds, long completesAtMillis) {
    }

    /** A failure for the next commitTransaction, after or before the transaction actually committed. */
    private record CommitFailure(RuntimeException error, boolean afterCommitting) {
    }

    /** The one broker of the mock cluster. */
    static final Node BROKER = new Node(0, "localhost", 9092);

    /** A producer the partition always reports: it has no open transaction, so it must never be aborted. */
    static final ProducerState IDLE_PRODUCER = new ProducerState(1, 0, 10, 0, OptionalInt.of(0), OptionalLong.empty());

    private final String topic;
    private final TopicPartition tp;
    private final FakeTime time;
    private final FakeAdmin admin = new FakeAdmin();
    private final List<Entry> log = new ArrayList<>();
    private final List<List<Long>> publishedTransactions = new ArrayList<>();
    private final List<FakeProducer> producers = new ArrayList<>();
    private final List<AbortTransactionSpec> aborts = new ArrayList<>();
    private final List<Long> abortTimes = new ArrayList<>();
    private long endOffset;
    private OpenTransaction open;
    private boolean abortTakesEffect = true;
    private CommitFailure nextCommitFailure;
    private boolean unavailable;

    public FakeKafka(String topic, FakeTime time) {
        this.topic = topic;
        this.tp = new TopicPartition(topic, 0);
        this.time = time;
    }

    // ---- the seam ----

    @Override
    public synchronized Producer<byte[], byte[]> producer() {
        FakeProducer p = new FakeProducer();
        producers.add(p);
        return p;
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public Consumer<byte[], byte[]> tailConsumer() {
        return new TailConsumer();
    }

    // ---- setting the scene ----

    /** The topic exists as a primary created it (one partition, the log's settings), before any publisher here ran. */
    public synchronized void createTopic() {
        io.ha4neo.schemas.topology.TopicSpec spec = io.ha4neo.schemas.topology.TopicSpec.forReplicationFactor((short) 1);
        admin.addTopic(false, topic, List.of(new org.apache.kafka.common.TopicPartitionInfo(0, BROKER, List.of(BROKER),
                List.of(BROKER))), spec.topicConfigs());
    }

    /** A transaction committed by an earlier publisher: one record per commit id, then its marker. */
    public synchronized void seedTransaction(long... commitIds) {
        seedTransactionInEpoch(0, commitIds);
    }

    /** {@link #seedTransaction} by a primary of {@code epoch}: its records carry that epoch header. */
    synchronized void seedTransactionInEpoch(long epoch, long... commitIds) {
        for (long id : commitIds) {
            log.add(new Entry(endOffset++, topic, 0, id, "seed-" + id, epoch));
        }
        endOffset++;
    }

    /** An aborted transaction of {@code records} records: offsets taken, nothing a consumer reads. */
    synchronized void seedAbortedTransaction(int records) {
        endOffset += records + 1;
    }

    /**
     * A transaction left open at the end of the partition by producer {@code producerId}. It commits by itself
     * at {@code completesAtMillis} (its markers arrive late), or never with {@code Long.MAX_VALUE}; an abort
     * through the admin client discards it.
     */
    synchronized void openTransaction(long producerId, int epoch, int coordinatorEpoch, long completesAtMillis,
                                      long... commitIds) {
        ProducerState p = new ProducerState(producerId, epoch, commitIds.length - 1, time.millis(),
                OptionalInt.of(coordinatorEpoch), OptionalLong.of(endOffset));
        open = new OpenTransaction(p, java.util.Arrays.stream(commitIds).boxed().toList(), completesAtMillis);
    }

    /** The coordinator ignores aborts: the open transaction stays open. */
    synchronized void abortsHaveNoEffect() {
        abortTakesEffect = false;
    }

    /** The next commitTransaction throws {@code error}, after committing (an ambiguous result) or before. */
    synchronized void failNextCommit(RuntimeException error, boolean afterCommitting) {
        nextCommitFailure = new CommitFailure(error, afterCommitting);
    }

    private volatile boolean alwaysFenced;

    /** Another producer keeps taking over the transactional id: every new producer's initTransactions is fenced. */
    void alwaysFenced(boolean value) {
        alwaysFenced = value;
    }

    /** Another producer took over the transactional id: every producer made so far is fenced. */
    synchronized void fenceProducers() {
        for (MockProducer<byte[], byte[]> p : producers) {
            try {
                if (!p.closed()) {
                    p.fenceProducer();
                }
            } catch (RuntimeException alreadyFenced) {
                // a fenced producer whose close failed: it stays fenced
            }
        }
    }

    /** While unavailable, initTransactions times out. */
    synchronized void unavailable(boolean value) {
        unavailable = value;
    }

    /** The mock admin, to add a topic with another layout. */
    MockAdminClient mockAdmin() {
        return admin;
    }

    // ---- what happened ----

    /** The committed records of the partition, in offset order. */
    synchronized List<Entry> entries() {
        settle();
        return List.copyOf(log);
    }

    /** The keys (commit ids) of the committed records, in offset order. */
    public synchronized List<Long> keys() {
        return entries().stream().map(Entry::key).toList();
    }

    /** The keys of each transaction the publisher's producers committed, in commit order. */
    synchronized List<List<Long>> publishedTransactions() {
        return List.copyOf(publishedTransactions);
    }

    synchronized int producersCreated() {
        return producers.size();
    }

    synchronized MockProducer<byte[], byte[]> producer(int index) {
        return producers.get(index);
    }

    synchronized List<AbortTransactionSpec> aborts() {
        return List.copyOf(aborts);
    }

    /** When ({@link FakeTime#millis}) each abort was asked for. */
    synchronized List<Long> abortTimes() {
        return List.copyOf(abortTimes);
    }

    // ---- the partition ----

    /** An open transaction whose time has come commits: its records and its marker join the log. */
    private void settle() {
        if (open != null && time.millis() >= open.completesAtMillis()) {
            open.commitIds().forEach(id -> log.add(new Entry(endOffset++, topic, 0, id, "late-" + id)));
            endOffset++;
            open = null;
        }
    }

    private long lastStableOffset() {
        settle();
        return endOffset;
    }

    private long highWatermark() {
        settle();
        return endOffset + (open == null ? 0 : open.commitIds().size());
    }

    private synchronized void committed(List<ProducerRecord<byte[], byte[]>> records) {
        List<Long> keys = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            long key = Long.parseLong(new String(r.key(), UTF_8));
            org.apache.kafka.common.header.Header h = r.headers().lastHeader(io.ha4neo.schemas.contract.RecordHeaders.EPOCH);
            long epoch = h == null ? 0 : io.ha4neo.schemas.contract.RecordHeaders.parseEpoch(h.value()).orElse(0);
            log.add(new Entry(endOffset++, r.topic(), r.partition(), key, new String(r.value(), UTF_8), epoch));
            keys.add(key);
        }
        endOffset++;
        publishedTransactions.add(keys);
    }

    private synchronized CommitFailure takeCommitFailure() {
        CommitFailure f = nextCommitFailure;
        nextCommitFailure = null;
        return f;
    }

    private synchronized boolean isUnavailable() {
        return unavailable;
    }

    private synchronized List<ProducerState> activeProducers() {
        settle();
        return open == null ? List.of(IDLE_PRODUCER) : List.of(IDLE_PRODUCER, open.producer());
    }

    private synchronized void abort(AbortTransactionSpec spec) {
        aborts.add(spec);
        abortTimes.add(time.millis());
        if (abortTakesEffect && open != null && open.producer().producerId() == spec.producerId()) {
            endOffset += open.commitIds().size() + 1;
            open = null;
        }
    }

    /** A transactional MockProducer whose commits reach the partition, with injectable failures. */
    private final class FakeProducer extends MockProducer<byte[], byte[]> {
        FakeProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void initTransactions() {
            if (isUnavailable()) {
                throw new TimeoutException("Timeout expired after 5000 ms while awaiting InitProducerId");
            }
            if (alwaysFenced) {
                throw new org.apache.kafka.common.errors.ProducerFencedException("another producer of this "
                        + "transactional id initialised after this one");
            }
            super.initTransactions();
        }

        @Override
        public void commitTransaction() {
            List<ProducerRecord<byte[], byte[]>> pending = uncommittedRecords();
            CommitFailure failure = takeCommitFailure();
            if (failure != null && !failure.afterCommitting()) {
                throw failure.error();
            }
            super.commitTransaction();
            committed(pending);
            if (failure != null) {
                throw failure.error();
            }
        }
    }

    /** Reads a snapshot of the partition like a read_committed consumer. */
    private final class TailConsumer extends MockConsumer<byte[], byte[]> {
        private final List<Entry> snapshot;
        private final long lastStable;

        TailConsumer() {
            super("earliest");
            synchronized (FakeKafka.this) {
                lastStable = lastStableOffset();
                snapshot = List.copyOf(log);
            }
            updateBeginningOffsets(Map.of(tp, 0L));
            updateEndOffsets(Map.of(tp, lastStable));
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            long from = position(tp);
            snapshot.stream().filter(e -> e.offset() >= from).forEach(e -> addRecord(new ConsumerRecord<>(topic, 0,
                    e.offset(), 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, -1, -1,
                    Long.toString(e.key()).getBytes(UTF_8), e.value().getBytes(UTF_8),
                    new org.apache.kafka.common.header.internals.RecordHeaders(List.of(
                            new org.apache.kafka.common.header.internals.RecordHeader(
                                    io.ha4neo.schemas.contract.RecordHeaders.EPOCH,
                                    io.ha4neo.schemas.contract.RecordHeaders.epochValue(e.epoch())))),
                    java.util.Optional.empty())));
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            seek(tp, lastStable); // past the trailing marker, as a read_committed consumer gets
            return records;
        }
    }

    /** MockAdminClient plus the open-transaction queries. */
    private final class FakeAdmin extends MockAdminClient {
        FakeAdmin() {
            super(List.of(BROKER), BROKER);
        }

        @Override
        public synchronized ListOffsetsResult listOffsets(Map<TopicPartition, OffsetSpec> specs, ListOffsetsOptions options) {
            long offset;
            synchronized (FakeKafka.this) {
                offset = options.isolationLevel() == IsolationLevel.READ_COMMITTED ? lastStableOffset() : highWatermark();
            }
            return new ListOffsetsResult(Map.of(tp, KafkaFuture.completedFuture(
                    new ListOffsetsResultInfo(offset, -1, Optional.empty()))));
        }

        @Override
        public DescribeProducersResult describeProducers(Collection<TopicPartition> partitions,
                                                         DescribeProducersOptions options) {
            return AdminResults.describeProducers(tp, activeProducers());
        }

        @Override
        public AbortTransactionResult abortTransaction(AbortTransactionSpec spec, AbortTransactionOptions options) {
            abort(spec);
            return AdminResults.abortTransaction(spec.topicPartition());
        }
    }
}
