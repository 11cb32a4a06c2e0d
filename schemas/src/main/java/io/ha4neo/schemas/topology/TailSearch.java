package io.ha4neo.schemas.topology;

import java.util.Optional;

/**
 * Finds the last record of the replication topic's partition without reading the whole log: it reads backwards from
 * the end in growing windows (16, 64, 256, ... offsets), so a long topic costs a few small fetches. Kafka-free: the
 * caller reads one window with its own consumer ({@link Window}), which keeps the search a pure function that the
 * plugin's tail reader and the ops CLI's share.
 *
 * <p>Why not simply "the record at end - 1": in a transactional topic the last offsets are transaction markers (and a
 * read_committed consumer also skips aborted records), so the last offset usually holds no record at all. A window
 * without a record therefore says nothing about the offsets before it, and the search goes on from its start.
 *
 * <pre>{@code
 * Optional<ConsumerRecord<byte[], byte[]>> last = TailSearch.last(begin, end,
 *         (from, to) -> lastRecordBetween(consumer, partition, from, to));
 * }</pre>
 */
public final class TailSearch {
    /** The first window's size, in offsets: one switchover's worth of markers and a few records. */
    static final long FIRST_WINDOW = 16;

    private TailSearch() {
    }

    /**
     * Reads the offsets {@code [from, to)} and returns the last record among them, if any.
     *
     * @param <T> what the caller makes of a record (the record itself, its key, its decoded position)
     */
    @FunctionalInterface
    public interface Window<T> {
        Optional<T> lastBetween(long from, long to);
    }

    /**
     * The last record in {@code [begin, end)}: {@code begin} is the partition's first offset and {@code end} its end
     * offset as the consumer sees it (the last stable offset for read_committed). Empty when no offset holds a record.
     * Each offset is read at most once.
     */
    public static <T> Optional<T> last(long begin, long end, Window<T> window) {
        long to = end;
        for (long size = FIRST_WINDOW; to > begin; size *= 4) {
            long from = Math.max(begin, to - size);
            Optional<T> found = window.lastBetween(from, to);
            if (found.isPresent()) {
                return found;
            }
            to = from; // nothing in [from, to): the last record, if any, is before it
        }
        return Optional.empty();
    }
}
