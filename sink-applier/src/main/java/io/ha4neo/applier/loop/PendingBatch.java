package io.ha4neo.applier.loop;

import io.ha4neo.applier.apply.LogItem;
import io.ha4neo.applier.kafka.RecordDecoder;
import io.ha4neo.applier.observe.ApplierMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What was read but not applied yet: the whole transactions (and undecodable records) of the next standby
 * transaction, with the counters the batch limits and the lag need. The chunks of a transaction that is still
 * arriving are counted apart: they survive a flush (they belong to the next batch) but not a re-positioning.
 */
final class PendingBatch {
    private static final Duration IDLE_POLL = Duration.ofMillis(500);

    private final BatchLimit limit;
    private final Duration linger;
    private final RecordDecoder decoder;
    private final Clock clock;
    private final List<LogItem> items = new ArrayList<>();
    private final List<ApplierMetrics.StageTimes> stages = new ArrayList<>();
    private int changes;
    private int records;
    private int assemblingRecords; // chunks of a transaction not yet complete
    private long since;

    PendingBatch(BatchLimit limit, Duration linger, RecordDecoder decoder, Clock clock) {
        this.limit = limit;
        this.linger = linger;
        this.decoder = decoder;
        this.clock = clock;
    }

    /**
     * Decodes one record and adds the items it completes (whole transaction, undecodable record, fragment);
     * {@code polledMillis} is when the poll that returned it came back (for the stage metrics).
     */
    void accept(ConsumerRecord<byte[], byte[]> r, long polledMillis) {
        List<LogItem> completed = decoder.decode(r);
        if (completed.isEmpty()) {
            assemblingRecords++;
            return;
        }
        records += assemblingRecords + 1; // the chunks before it belong to what it completes
        assemblingRecords = 0;
        for (LogItem item : completed) {
            add(item);
            if (item instanceof LogItem.Transaction t) {
                stages.add(new ApplierMetrics.StageTimes(t.event().commitTimeMillis(), r.timestamp(), polledMillis));
            }
        }
    }

    /** The epoch of the last record accepted, empty when it could not be decoded ({@link RecordDecoder}). */
    OptionalLong epochOfLastRecord() {
        return decoder.epochOfLastRecord();
    }

    private void add(LogItem item) {
        if (items.isEmpty()) {
            since = clock.millis();
        }
        items.add(item);
        if (item instanceof LogItem.Transaction t) {
            changes += t.event().changeCount();
        }
    }

    /** The batch reached the limits in force ({@code batch.max.*}, or less after a memory limit). */
    boolean isFull() {
        return limit.reached(items.size(), changes);
    }

    /**
     * After a poll: a partial batch is applied when the topic is drained (the poll came back empty, or the consumer
     * has returned everything up to the end its last fetch saw) or it lingered enough.
     */
    boolean isDue(boolean drained) {
        return !items.isEmpty() && (drained || clock.millis() - since >= linger.toMillis());
    }

    /** Waits briefly for more records while a batch is pending, longer when there is nothing to apply. */
    Duration pollTimeout() {
        return items.isEmpty() ? IDLE_POLL : linger;
    }

    List<LogItem> items() {
        return List.copyOf(items);
    }

    /** When each whole transaction of the batch was committed, sent and polled. */
    List<ApplierMetrics.StageTimes> stageTimes() {
        return List.copyOf(stages);
    }

    /** Items (whole transactions and undecodable records or fragments) in the batch. */
    int size() {
        return items.size();
    }

    /** Changes of the whole transactions in the batch. */
    int changes() {
        return changes;
    }

    /** Records read but not applied, partial chunk sequences included: part of the lag. */
    long unappliedRecords() {
        return records + assemblingRecords;
    }

    /** After a successful write: the applied items are done; a partially assembled transaction is kept. */
    void clearApplied() {
        items.clear();
        stages.clear();
        changes = 0;
        records = 0;
    }

    /** Before re-positioning: drops everything read but not applied, partial chunk sequences included. */
    void dropAll() {
        clearApplied();
        assemblingRecords = 0;
        decoder.reset();
    }

    /** For error messages: which records the batch holds. */
    String describe(String topic) {
        if (items.isEmpty()) {
            return "nothing pending (polling " + topic + ")";
        }
        LogItem last = items.get(items.size() - 1);
        return "records at " + items.get(0).position() + " .. offset " + last.position().offset();
    }
}
