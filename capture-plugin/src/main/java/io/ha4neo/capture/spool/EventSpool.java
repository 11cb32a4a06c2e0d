package io.ha4neo.capture.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The local, bounded, append-only write-ahead log of captured transactions: the binlog between Neo4j and
 * Kafka. Events are appended in commit order (by the sequencer's sink) and read back in order by the
 * publisher, which deletes whole segments once Kafka has them. It survives Neo4j restarts, so events
 * captured while Kafka is unreachable are published after a restart too.
 *
 * <p>Durability: each append is one {@code write} to the file (page cache), not fsynced. A killed Neo4j
 * process loses nothing that was appended; an operating-system crash can lose the last seconds, which
 * start-up gap detection then reports. See docs/capture.md.
 *
 * <p>Format of a segment {@code spool-<first id, 20 digits>.log}: records of
 * {@code [int bodyLength][int crc32c(body)][body]}, body = {@code [byte type][long commitId]} then for an
 * EVENT {@code [long previousCommitId][int n]([int len][bytes]){n}}. A MARK records that every id up to
 * its commit id was sequenced (ids without replicable changes), for gap detection after a restart. A torn
 * record at the end of the last segment (crash mid-write) is truncated at open.
 *
 * <p>Threading: one appending thread at a time (the sequencer's sink holds the sequencer lock) and one
 * publisher thread reading; space accounting is guarded by {@link #lock}.
 */
public final class EventSpool implements AutoCloseable {
    static final byte EVENT = 1;
    static final byte MARK = 2;
    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".log";

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition space = lock.newCondition();
    private final Condition appended = lock.newCondition();
    private final List<Segment> segments = new ArrayList<>();
    private FileChannel writer;
    private volatile long lastEventId;
    private long lastSequencedId;
    private long publishedId;
    private volatile long blockedSinceMillis = -1;

    /** A segment file and the id range it holds. */
    static final class Segment {
        final Path path;
        final long firstId;
        long lastId;
        long bytes;

        Segment(Path path, long firstId) {
            this.path = path;
            this.firstId = firstId;
        }
    }

    private EventSpool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(64 * 1024, Math.min(64L << 20, maxBytes / 8));
    }

    /** Opens (creating if needed) the spool directory and recovers its state. */
    public static EventSpool open(Path dir, long maxBytes) {
        EventSpool spool = new EventSpool(dir, maxBytes);
        spool.recover();
        return spool;
    }

    private void recover() {
        try {
            Files.createDirectories(dir);
            for (Path p : listSegments()) {
                Segment s = new Segment(p, parseFirstId(p));
                scan(s, p.equals(lastOf(listSegments())));
                segments.add(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ha4neo spool at " + dir, e);
        }
    }

    private List<Path> listSegments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                    && p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    private static Path lastOf(List<Path> paths) {
        return paths.isEmpty() ? null : paths.get(paths.size() - 1);
    }

    private static long parseFirstId(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
    }

    private void scan(Segment s, boolean isLast) throws IOException {
        try (SpoolReader.RecordCursor cursor = new SpoolReader.RecordCursor(s.path)) {
            SpoolReader.Record r;
            while ((r = cursor.next(Long.MAX_VALUE)) != null) {
                s.lastId = Math.max(s.lastId, r.commitId());
                lastSequencedId = Math.max(lastSequencedId, r.commitId());
                if (r.type() == EVENT) {
                    lastEventId = r.commitId();
                }
            }
            s.bytes = cursor.validBytes();
            if (cursor.hasTornTail()) {
                if (!isLast) {
                    throw new SpoolCorruptException("spool segment " + s.path + " is corrupt at byte "
                            + cursor.validBytes() + " but is not the last segment; move the spool directory "
                            + "aside and bootstrap the standby again");
                }
                try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.WRITE)) {
                    ch.truncate(cursor.validBytes());
                }
            }
        }
    }

    /**
     * Appends one transaction, blocking while the spool is full (the documented back-pressure policy).
     *
     * @throws InterruptedException if interrupted while waiting for space
     */
    public void append(long commitId, long previousCommitId, List<byte[]> records) throws InterruptedException {
        ByteBuffer body = eventBody(commitId, previousCommitId, records);
        awaitSpace(body.remaining());
        write(commitId, EVENT, body);
    }

    /** Records that every commit id up to {@code commitId} was sequenced. */
    public void mark(long commitId) throws InterruptedException {
        if (commitId <= lastSequencedId) {
            return;
        }
        ByteBuffer body = ByteBuffer.allocate(9).put(MARK).putLong(commitId).flip();
        write(commitId, MARK, body);
    }

    private static ByteBuffer eventBody(long commitId, long previousCommitId, List<byte[]> records) {
        int size = 1 + 8 + 8 + 4 + records.stream().mapToInt(r -> 4 + r.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).put(EVENT).putLong(commitId).putLong(previousCommitId)
                .putInt(records.size());
        records.forEach(r -> b.putInt(r.length).put(r));
        return b.flip();
    }

    private void awaitSpace(int bytes) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            // Only an unpublished event can ever free space. When Kafka has every event, what remains is marks
            // (commits without changes), and waiting would block commits forever: append over the bound instead.
            while (unpublishedBytesLocked() + bytes > maxBytes && unpublishedBytesLocked() > 0
                    && lastEventId > publishedId) {
                if (blockedSinceMillis < 0) {
                    blockedSinceMillis = System.currentTimeMillis();
                }
                space.await(100, TimeUnit.MILLISECONDS);
            }
            blockedSinceMillis = -1;
        } finally {
            lock.unlock();
        }
    }

    private void write(long commitId, byte type, ByteBuffer body) throws InterruptedException {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        ByteBuffer header = ByteBuffer.allocate(8).putInt(body.remaining()).putInt((int) crc.getValue()).flip();
        lock.lockInterruptibly();
        try {
            Segment s = segmentFor(commitId);
            long n = header.remaining() + body.remaining();
            while (header.hasRemaining() || body.hasRemaining()) {
                writer.write(new ByteBuffer[] {header, body});
            }
            s.bytes += n;
            s.lastId = commitId;
            lastSequencedId = Math.max(lastSequencedId, commitId);
            if (type == EVENT) {
                lastEventId = commitId;
            }
            appended.signalAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append commit " + commitId + " to the ha4neo spool in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    private Segment segmentFor(long commitId) throws IOException {
        Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (last != null && last.bytes < segmentBytes) {
            if (writer == null) {
                writer = FileChannel.open(last.path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            return last;
        }
        closeWriter();
        Segment s = new Segment(dir.resolve(String.format("%s%020d%s", PREFIX, commitId, SUFFIX)), commitId);
        writer = FileChannel.open(s.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        segments.add(s);
        return s;
    }

    /**
     * Tells the spool that Kafka has every event up to {@code commitId}: whole segments below it are deleted
     * (never the segment being written, nor the one holding the last event) and blocked appenders wake up.
     */
    public void published(long commitId) {
        lock.lock();
        try {
            publishedId = Math.max(publishedId, commitId);
            while (segments.size() > 1 && segments.get(0).lastId <= publishedId && !holdsLastEvent(0)) {
                Files.deleteIfExists(segments.remove(0).path);
            }
            space.signalAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete a published spool segment in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * True when segment {@code i} holds the last event: it is kept even when published, because reopening
     * recovers {@link #lastEventId} (the next event's chain link) by scanning the segments left.
     */
    private boolean holdsLastEvent(int i) {
        return segments.get(i).firstId <= lastEventId && lastEventId < segments.get(i + 1).firstId;
    }

    /** A reader of events with commit id greater than {@code afterCommitId}, in order. */
    public SpoolReader readerAfter(long afterCommitId) {
        lock.lock();
        try {
            return new SpoolReader(this, afterCommitId);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code millis} for an append; returns at once if one happened since {@code sinceId}. */
    void awaitAppend(long sinceId, long millis) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (lastSequencedId <= sinceId) {
                appended.await(millis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The segment after {@code current} (or the first one when current is null), or null. */
    Path nextSegment(Path current) {
        lock.lock();
        try {
            for (Segment s : segments) {
                if (current == null || s.path.getFileName().toString().compareTo(current.getFileName().toString()) > 0) {
                    return s.path;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of complete records in a segment; readers never read beyond it. */
    long validBytes(Path segment) {
        lock.lock();
        try {
            return segments.stream().filter(s -> s.path.equals(segment)).mapToLong(s -> s.bytes).findFirst().orElse(0);
        } finally {
            lock.unlock();
        }
    }

    /** Commit id of the last event appended (0 when the spool never held one). */
    public long lastEventId() {
        return lastEventId;
    }

    /** Highest commit id known to be sequenced: the last event or mark. */
    public long lastSequencedId() {
        lock.lock();
        try {
            return lastSequencedId;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of segments not yet entirely published. */
    public long unpublishedBytes() {
        lock.lock();
        try {
            return unpublishedBytesLocked();
        } finally {
            lock.unlock();
        }
    }

    private long unpublishedBytesLocked() {
        return segments.stream().filter(s -> s.lastId > publishedId).mapToLong(s -> s.bytes).sum();
    }

    /** Milliseconds appenders have been blocked by a full spool, 0 when not blocked. */
    public long blockedMillis() {
        long since = blockedSinceMillis;
        return since < 0 ? 0 : System.currentTimeMillis() - since;
    }

    public Path dir() {
        return dir;
    }

    private void closeWriter() throws IOException {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeWriter();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the ha4neo spool in " + dir, e);
        } finally {
            lock.unlock();
        }
    }
}
