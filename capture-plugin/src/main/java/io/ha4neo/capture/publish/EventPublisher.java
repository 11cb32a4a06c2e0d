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
    private final long epoch;
    private final long epochCheckIntervalMillis;
    private final java.util.function.Consumer<TopicTailReader.Tail> onSuperseded;
    private final List<org.apache.kafka.common.header.Header> headers;
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
    /** Set after connecting to a log whose last epoch is older than ours: our epoch start must link to it. */
    private TopicTailReader.Tail olderEpochTail;
    private volatile long publishedOffset = -1;
    private long lastEpochCheckMillis;
    private Consumer<byte[], byte[]> epochConsumer;
    private long fencedSinceMillis = -1;
    private int fencedReconnects;

    /**
     * @param clients       creates the Kafka clients (the seam unit tests replace)
     * @param time          clock and sleeper ({@link PublisherTime#SYSTEM} in production)
     * @param periodicCheck housekeeping run on the publisher thread before every step
     */
    public EventPublisher(EventSpool spool, String topic, TopicGuard guard, KafkaClients clients, PublisherTime time,
                          int batchMaxEvents, long lingerMillis, Runnable periodicCheck, InternalLog log) {
        this(spool, topic, guard, clients, time, batchMaxEvents, lingerMillis, periodicCheck, log, 0, 0, tail -> { });
    }

    /**
     * @param epoch                    the epoch this primary publishes under: every record carries it
     *                                 ({@link io.ha4neo.schemas.contract.RecordHeaders#EPOCH}), and a log with a newer one
     *                                 means another member was promoted ({@link PublisherState#SUPERSEDED})
     * @param epochCheckIntervalMillis while idle, how often to look for a newer epoch in the log; 0 never
     * @param onSuperseded             called once, on the publisher thread, with the log's tail when a newer epoch is
     *                                 found; must return quickly
     */
    public EventPublisher(EventSpool spool, String topic, TopicGuard guard, KafkaClients clients, PublisherTime time,
                          int batchMaxEvents, long lingerMillis, Runnable periodicCheck, InternalLog log, long epoch,
                          long epochCheckIntervalMillis, java.util.function.Consumer<TopicTailReader.Tail> onSuperseded) {
        this.epoch = epoch;
        this.epochCheckIntervalMillis = epochCheckIntervalMillis;
        this.onSuperseded = onSuperseded;
        this.headers = List.of(new org.apache.kafka.common.header.internals.RecordHeader(
                io.ha4neo.schemas.contract.RecordHeaders.EPOCH, io.ha4neo.schemas.contract.RecordHeaders.epochValue(epoch)));
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
            if (!PublisherLifecycle.isRunning(state)) {
                return; // superseded while connecting
            }
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
        } else if (epochCheckIntervalMillis > 0 && time.millis() - lastEpochCheckMillis >= epochCheckIntervalMillis) {
            checkForNewerEpoch();
        }
    }

    /**
     * While idle, looks at the log's tail for a newer epoch: a member promoted while this one was not publishing (a
     * failover around a primary that was only cut off) must learn it before it accepts many more writes. A publish
     * would find out too (the new primary's producer fenced ours), but an idle primary publishes nothing.
     */
    private void checkForNewerEpoch() {
        lastEpochCheckMillis = time.millis();
        if (epochConsumer == null) {
            epochConsumer = clients.tailConsumer();
        }
        TopicTailReader.Tail tail = TopicTailReader.last(epochConsumer, topic, time::millis);
        if (!tail.isEmpty() && tail.epoch() > epoch) {
            superseded(tail);
        }
    }

    /** The log holds a newer epoch: stop for good and tell the member (which freezes writes and rejoins). */
    private void superseded(TopicTailReader.Tail tail) {
        disconnect();
        closeReader();
        transition(PublisherState.SUPERSEDED, "topic " + topic + " ends at " + tail.position() + " (offset "
                + tail.offset() + "), an epoch newer than this primary's epoch " + epoch + ": another member was "
                + "promoted. Publishing stopped for good; unpublished events stay in the spool and are checked when "
                + "this member rejoins as a standby");
        onSuperseded.accept(tail);
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
        TopicTailReader.Tail tail = readTopicTail();
        if (!tail.isEmpty() && tail.epoch() > epoch) {
            superseded(tail);
            return;
        }
        closeReader();
        topicTailId = tail.commitId();
        if (tail.isEmpty() || tail.epoch() == epoch) {
            olderEpochTail = null;
            reader = spool.readerAfter(topicTailId);
            markPublished(topicTailId);
            spool.published(topicTailId);
            publishedOffset = tail.offset();
        } else {
            // Our epoch start is not in the log yet (a promotion): everything in the spool is of our epoch.
            olderEpochTail = tail;
            reader = spool.readerAfter(0);
        }
        checkChainOnNextBatch = true;
        backoffMillis = 100;
        transition(PublisherState.PUBLISHING, "publishing to " + topic + " after " + tail.position()
                + " (the topic's last record), as epoch " + epoch);
    }

    private void publish(List<SpooledEvent> batch) {
        if (checkChainOnNextBatch) {
            checkChain(batch.get(0));
            checkChainOnNextBatch = false;
        }
        producer.beginTransaction();
        java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> lastSend = null;
        for (SpooledEvent e : batch) {
            byte[] key = Long.toString(e.commitId()).getBytes(StandardCharsets.UTF_8);
            for (byte[] value : e.records()) {
                lastSend = producer.send(new ProducerRecord<>(topic, 0, null, key, value, headers));
            }
        }
        producer.commitTransaction();
        fencedReconnects = 0;
        fencedSinceMillis = -1;
        olderEpochTail = null;
        SpooledEvent last = batch.get(batch.size() - 1);
        publishedOffset = offsetOf(lastSend);
        markPublished(last.commitId());
        spool.published(last); // frees exactly the published bytes, so commits waiting for space resume at once
    }

    /** After commitTransaction every send is complete; the offset of the last one, or -1 if unknown. */
    private static long offsetOf(java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send) {
        try {
            return send != null && send.isDone() ? send.get().offset() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The first event after a (re)connection must continue the topic's chain. */
    private void checkChain(SpooledEvent first) {
        if (olderEpochTail != null) {
            checkEpochLink(first);
            return;
        }
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

    /**
     * The log's last epoch is older than ours: our first event is the epoch start, which must link to exactly the
     * log's last record, in the epoch just before ours. Anything else means the log moved on after the handover point
     * this member was promoted at (the old primary published more), and linking would lose or fork history.
     */
    private void checkEpochLink(SpooledEvent first) {
        TopicTailReader.Tail tail = olderEpochTail;
        if (tail.epoch() == epoch - 1 && first.previousCommitId() == tail.commitId()) {
            return;
        }
        throw new DivergedException("topic " + topic + " ends at " + tail.position() + " but epoch " + epoch
                + " of this member starts after (epoch " + (epoch - 1) + ", commit " + first.previousCommitId()
                + "): the log moved on after the handover point (the old primary published after it), so this "
                + "promotion cannot link to it. Publishing stopped; the promotion fails and the member stays a standby");
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

    private TopicTailReader.Tail readTopicTail() {
        try (Consumer<byte[], byte[]> consumer = clients.tailConsumer()) {
            return TopicTailReader.last(consumer, topic, time::millis);
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
        if (isFenced(t) && fencedByPeer()) {
            // Another producer of this transactional id initialised after ours: a promotion (then the reconnection
            // finds the newer epoch and stops for good) or a member that was promoted and rolled back. Reconnecting
            // fences it in turn and re-reads the log, which decides.
            transition(PublisherState.KAFKA_UNAVAILABLE, "producer of " + topic + " fenced by another producer of the "
                    + "same transactional id; reconnecting to read the log's epoch (" + fencedReconnects + ")");
            return sleep(backoffMillis);
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

    /**
     * Counts reconnections after being fenced. Two members that both believe they are primary of the same epoch would
     * fence each other forever: after 5 within a minute without a newer epoch in the log, fencing is final.
     */
    private boolean fencedByPeer() {
        long now = time.millis();
        if (fencedSinceMillis < 0 || now - fencedSinceMillis > 60_000) {
            fencedSinceMillis = now;
            fencedReconnects = 0;
        }
        return ++fencedReconnects <= 5;
    }

    private static boolean isFenced(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProducerFencedException) {
                return true;
            }
        }
        return false;
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
        } else if (next == PublisherState.KAFKA_UNAVAILABLE || next == PublisherState.SUPERSEDED) {
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
        KafkaClients.closeQuietly(epochConsumer, Duration.ofSeconds(2));
        epochConsumer = null;
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

    /** Offset of the last record this publisher wrote, or of the topic's last record after connecting; -1 if none. */
    public long publishedOffset() {
        return publishedOffset;
    }

    /** The epoch this publisher writes under. */
    public long epoch() {
        return epoch;
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
