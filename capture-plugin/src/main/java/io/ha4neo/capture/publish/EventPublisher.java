package io.ha4neo.capture.publish;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.capture.spool.EventSpool;
import io.ha4neo.capture.spool.SpoolReader;
import io.ha4neo.capture.spool.SpooledEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.neo4j.logging.InternalLog;

/**
 * The single publisher thread: reads the spool in commit order and publishes each batch of events in one
 * Kafka transaction (so a chunked transaction is all-or-nothing for read_committed consumers), keyed by
 * commit id, to partition 0 of the database's topic.
 *
 * <p>Every (re)connection first reads the topic's last committed record: the topic, not a local
 * checkpoint, says what is already published, so a restart or an ambiguous send failure never publishes an
 * event twice. The stable {@code transactional.id} fences any older producer of the same database.
 *
 * <p>Errors are classified once ({@link #classify}): a fenced producer or an authorization failure stops
 * publishing (events stay in the spool); a misconfigured topic is retried slowly; everything else means
 * Kafka is unavailable and is retried with back-off while commits keep flowing into the spool. The states
 * ({@link PublisherState}) and their allowed transitions are in {@link PublisherLifecycle}.
 *
 * <p>Threads: {@link #run} is the publisher thread and owns the Kafka clients and the spool reader;
 * {@link #state()}, {@link #publishedId()} and {@link #awaitPublished} are called from other threads.
 *
 * <pre>{@code
 * EventPublisher publisher = new EventPublisher(spool, topic, guard, KafkaClients.fromProperties(...),
 *         PublisherTime.SYSTEM, 1000, 5, housekeeping, log);
 * new Thread(publisher, "ha4neo-publisher-neo4j").start();
 * ...
 * publisher.stop();   // then interrupt and join the thread
 * }</pre>
 */
public final class EventPublisher implements Runnable {
    private enum ErrorClass { RETRIABLE, MISCONFIGURED, FATAL }

    private final EventSpool spool;
    private final String topic;
    private final TopicGuard guard;
    private final KafkaClients clients;
    private final PublisherTime time;
    private final int batchMaxEvents;
    private final long lingerMillis;
    private final Runnable periodicCheck;
    private final InternalLog log;
    private final Object publishedMonitor = new Object();
    private volatile boolean running = true;
    private volatile PublisherState state = PublisherState.CONNECTING;
    private volatile long publishedId;
    private volatile String lastError = "";
    private Producer<byte[], byte[]> producer;
    private SpoolReader reader;
    private long backoffMillis = 100;
    private boolean checkChainOnNextBatch;
    private long topicTailId;

    /**
     * @param clients       creates the Kafka clients (the seam unit tests replace)
     * @param time          clock and sleeper ({@link PublisherTime#SYSTEM} in production)
     * @param periodicCheck housekeeping run on the publisher thread before every step
     */
    public EventPublisher(EventSpool spool, String topic, TopicGuard guard, KafkaClients clients, PublisherTime time,
                          int batchMaxEvents, long lingerMillis, Runnable periodicCheck, InternalLog log) {
        this.spool = spool;
        this.topic = topic;
        this.guard = guard;
        this.clients = clients;
        this.time = time;
        this.batchMaxEvents = batchMaxEvents;
        this.lingerMillis = lingerMillis;
        this.periodicCheck = periodicCheck;
        this.log = log;
    }

    @Override
    public void run() {
        while (running) {
            if (!runOnce()) {
                break;
            }
        }
        disconnect();
        transition(PublisherState.STOPPED, "publisher stopped");
    }

    /**
     * One iteration of {@link #run}: a step, or the handling of its error. Package-private so that unit tests
     * drive the publisher step by step on their own thread.
     *
     * @return false when the loop must end (interrupted)
     */
    boolean runOnce() {
        try {
            step();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Throwable t) {
            return handle(t);
        }
    }

    private void step() throws Exception {
        periodicCheck.run();
        if (!PublisherLifecycle.isRunning(state)) {
            time.sleep(1000);
            return;
        }
        if (producer == null) {
            connect();
        }
        List<SpooledEvent> batch = reader.next(batchMaxEvents, 16L << 20, 100);
        if (!batch.isEmpty() && batch.size() < batchMaxEvents && lingerMillis > 0) {
            // One Kafka transaction per event would cost a coordinator round trip and a marker each; lingering a few
            // milliseconds lets concurrent commits share one (like the producer's own linger.ms).
            time.sleep(lingerMillis);
            batch = new ArrayList<>(batch);
            batch.addAll(reader.next(batchMaxEvents - batch.size(), 16L << 20, 0));
        }
        if (!batch.isEmpty()) {
            publish(batch);
        }
    }

    private void connect() throws Exception {
        if (state != PublisherState.KAFKA_UNAVAILABLE && state != PublisherState.MISCONFIGURED) {
            transition(PublisherState.CONNECTING, "connecting to Kafka for topic " + topic);
        }
        producer = clients.producer();
        try (Admin admin = clients.admin()) {
            guard.ensure(admin, 15_000);
            // initTransactions fences older producers of this transactional.id and has the coordinator finish
            // or abort their open transaction; the markers reach the partition asynchronously, so wait until
            // no transaction is open there before reading the tail, or an ambiguous earlier commit would be
            // missed and published twice.
            producer.initTransactions();
            awaitNoOpenTransaction(admin);
        }
        topicTailId = readTopicTail();
        closeReader();
        reader = spool.readerAfter(topicTailId);
        markPublished(topicTailId);
        spool.published(topicTailId);
        checkChainOnNextBatch = true;
        backoffMillis = 100;
        transition(PublisherState.PUBLISHING, "publishing to " + topic + " after commit id " + topicTailId
                + " (the topic's last record)");
    }

    private void publish(List<SpooledEvent> batch) {
        if (checkChainOnNextBatch) {
            checkChain(batch.get(0));
            checkChainOnNextBatch = false;
        }
        producer.beginTransaction();
        for (SpooledEvent e : batch) {
            byte[] key = Long.toString(e.commitId()).getBytes(StandardCharsets.UTF_8);
            for (byte[] value : e.records()) {
                producer.send(new ProducerRecord<>(topic, 0, key, value));
            }
        }
        producer.commitTransaction();
        SpooledEvent last = batch.get(batch.size() - 1);
        markPublished(last.commitId());
        spool.published(last); // frees exactly the published bytes, so commits waiting for space resume at once
    }

    /** The first event after a (re)connection must continue the topic's chain. */
    private void checkChain(SpooledEvent first) {
        if (topicTailId == 0 || first.previousCommitId() == topicTailId) {
            return;
        }
        if (first.previousCommitId() < topicTailId) {
            throw new DivergedException("topic " + topic + " ends at commit id " + topicTailId + " but this store's "
                    + "next event " + first.commitId() + " follows commit id " + first.previousCommitId()
                    + ": another primary has written to the topic. Publishing stopped; events stay in the spool. "
                    + "Resolve the split brain (see README, operations) and restart this member");
        }
        log.error("ha4neo: topic %s ends at commit id %d but the next event %d follows commit id %d: commits "
                + "(%d, %d] were never published. Standby appliers will stop at this gap and report it",
                topic, topicTailId, first.commitId(), first.previousCommitId(), topicTailId, first.previousCommitId());
    }

    private void awaitNoOpenTransaction(Admin admin) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        long start = time.millis();
        boolean aborted = false;
        while (true) {
            long highWatermark = endOffset(admin, tp, IsolationLevel.READ_UNCOMMITTED);
            long lastStable = endOffset(admin, tp, IsolationLevel.READ_COMMITTED);
            if (lastStable >= highWatermark) {
                return;
            }
            long waited = time.millis() - start;
            if (!aborted && waited > 5_000) {
                abortHangingTransactions(admin, tp);
                aborted = true;
            } else if (waited > 30_000) {
                throw new org.apache.kafka.common.errors.TimeoutException("a transaction on " + tp + " is still open "
                        + "after 30 s (last stable offset " + lastStable + " < high watermark " + highWatermark + ")");
            }
            time.sleep(100);
        }
    }

    /**
     * A transaction still open on the partition after our initTransactions returned is one the coordinator no
     * longer tracks (a broker went down between the data and the commit request): a hanging transaction that
     * would block read_committed consumers forever. Only this database's publisher writes to the topic, so
     * it aborts them, as {@code kafka-transactions.sh abort} would; its events are republished from the spool.
     */
    private void abortHangingTransactions(Admin admin, TopicPartition tp) throws Exception {
        for (ProducerState p : admin.describeProducers(List.of(tp)).partitionResult(tp).get(15, TimeUnit.SECONDS)
                .activeProducers()) {
            if (p.currentTransactionStartOffset().isPresent()) {
                log.warn("ha4neo: aborting a hanging Kafka transaction on %s (producer id %d, epoch %d, started at "
                        + "offset %d) left open when the broker went away mid-transaction; its events are published "
                        + "again from the spool", tp, p.producerId(), p.producerEpoch(),
                        p.currentTransactionStartOffset().getAsLong());
                admin.abortTransaction(new AbortTransactionSpec(tp, p.producerId(), (short) p.producerEpoch(),
                        p.coordinatorEpoch().orElse(-1))).all().get(15, TimeUnit.SECONDS);
            }
        }
    }

    private static long endOffset(Admin admin, TopicPartition tp, IsolationLevel level) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(level)).partitionResult(tp)
                .get(15, TimeUnit.SECONDS).offset();
    }

    private long readTopicTail() {
        try (Consumer<byte[], byte[]> consumer = clients.tailConsumer()) {
            return TopicTailReader.lastCommitId(consumer, topic, time::millis);
        }
    }

    private boolean handle(Throwable t) {
        ErrorClass c = classify(t);
        disconnect();
        lastError = t.toString();
        if (!PublisherLifecycle.isRunning(state)) {
            // FENCED or DIVERGED: only the housekeeping still runs, and its failure must not resume publishing.
            log.error("ha4neo publisher %s: housekeeping failed: %s; publishing to %s stays stopped, events stay in "
                    + "the spool; will run the housekeeping again in 1000 ms", state, t, topic);
            return sleep(1000);
        }
        if (c == ErrorClass.FATAL) {
            PublisherState s = t instanceof DivergedException ? PublisherState.DIVERGED : PublisherState.FENCED;
            transition(s, "publishing to " + topic + " stopped: " + t.getMessage()
                    + ". Commits continue into the spool (" + spool.unpublishedBytes() + " bytes); fix and restart Neo4j");
            return true;
        }
        PublisherState s = c == ErrorClass.MISCONFIGURED ? PublisherState.MISCONFIGURED : PublisherState.KAFKA_UNAVAILABLE;
        long wait = c == ErrorClass.MISCONFIGURED ? 30_000 : backoffMillis;
        transition(s, "cannot publish to " + topic + ": " + t + "; will retry in " + wait + " ms. Commits continue "
                + "into the spool (" + spool.unpublishedBytes() + " bytes unpublished)");
        backoffMillis = Math.min(5_000, backoffMillis * 2);
        return sleep(wait);
    }

    private static ErrorClass classify(Throwable t) {
        if (t instanceof ProducerFencedException || t instanceof AuthorizationException
                || t instanceof UnsupportedVersionException || t instanceof DivergedException) {
            return ErrorClass.FATAL;
        }
        if (t instanceof TopicGuard.TopicMisconfiguredException) {
            return ErrorClass.MISCONFIGURED;
        }
        Throwable cause = t.getCause();
        return cause != null && cause != t && classify(cause) != ErrorClass.RETRIABLE ? classify(cause) : ErrorClass.RETRIABLE;
    }

    private boolean sleep(long millis) {
        try {
            time.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Moves to {@code next}; an illegal transition (see {@link PublisherLifecycle}) is a bug and throws. */
    private void transition(PublisherState next, String message) {
        PublisherState previous = state;
        PublisherLifecycle.check(previous, next);
        state = next;
        if (previous == next) {
            return;
        }
        if (next == PublisherState.FENCED || next == PublisherState.DIVERGED || next == PublisherState.MISCONFIGURED) {
            log.error("ha4neo publisher %s -> %s: %s", previous, next, message);
        } else if (next == PublisherState.KAFKA_UNAVAILABLE) {
            log.warn("ha4neo publisher %s -> %s: %s", previous, next, message);
        } else {
            log.info("ha4neo publisher %s -> %s: %s", previous, next, message);
        }
    }

    private void markPublished(long commitId) {
        synchronized (publishedMonitor) {
            if (commitId > publishedId) {
                publishedId = commitId;
            }
            publishedMonitor.notifyAll();
        }
    }

    /**
     * Waits until Kafka acknowledged {@code commitId} (semi-sync durability).
     *
     * @return true when published, false on timeout
     */
    public boolean awaitPublished(long commitId, long timeoutMillis) throws InterruptedException {
        long deadline = time.nanos() + timeoutMillis * 1_000_000;
        synchronized (publishedMonitor) {
            while (publishedId < commitId) {
                long left = (deadline - time.nanos()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                publishedMonitor.wait(left);
            }
            return true;
        }
    }

    /** Stops the loop; {@link #run} returns after the current step and closes the producer. */
    public void stop() {
        running = false;
    }

    private void disconnect() {
        KafkaClients.closeQuietly(producer, Duration.ofSeconds(2));
        producer = null;
    }

    private void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    public PublisherState state() {
        return state;
    }

    public long publishedId() {
        return publishedId;
    }

    public String lastError() {
        return lastError;
    }

    /** The topic holds commits this store never had (another primary wrote to it). */
    static final class DivergedException extends RuntimeException {
        DivergedException(String message) {
            super(message);
        }
    }
}
