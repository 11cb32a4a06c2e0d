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
 * <p>Durability ({@link SyncPolicy}, setting {@code ha4neo.spool.sync}): each append is one {@code write} to the
 * file, so a killed Neo4j process loses nothing that was appended. What an operating-system crash can lose depends
 * on the policy: {@link SyncPolicy#APPEND} forces every append to disk before the commit's afterCommit returns;
 * {@link SyncPolicy#SEGMENT} (the default) forces a segment when it is complete, and the directory after a segment
 * is created or deleted, so at most the last segment's unsynced tail is lost; {@link SyncPolicy#NONE} leaves it
 * all to the operating system. Truncating a torn tail at open is forced unless the policy is NONE. A lost tail is
 * detected at start-up (Neo4j's last committed id against the spool and the topic) and reported as a gap.
 * See docs/capture.md.
 *
 * <p>Space: {@code maxBytes} bounds the bytes of spool records not yet published, counted exactly from the end of
 * the last published record ({@link #published(SpooledEvent)}), so space is freed as soon as Kafka acknowledges a
 * batch; files are deleted a whole published segment at a time.
 *
 * <p>Format of a segment {@code spool-<first id, 20 digits>.log}: records of
 * {@code [int bodyLength][int crc32c(body)][body]}, body = {@code [byte type][long commitId]} then for an
 * EVENT {@code [long previousCommitId][int n]([int len][bytes]){n}}. A MARK records that every id up to
 * its commit id was sequenced (ids without replicable changes), for gap detection after a restart. A torn
 * record at the end of the last segment (crash mid-write) is truncated at open. A body is at most
 * {@link #MAX_BODY_BYTES}; a larger transaction is refused whole ({@link SpoolRecordTooLargeException}).
 *
 * <p>Threading: one appending thread at a time (the sequencer's sink holds the sequencer lock) and one
 * publisher thread reading; space accounting is guarded by {@link #lock}.
 */
public final class EventSpool implements EventLog, AutoCloseable {
    static final byte EVENT = 1;
    static final byte MARK = 2;
    /**
     * The largest record body, read and written alike (1 GiB). A reader treats a longer length prefix as a torn
     * record, so a body over it must never be written: reopening would truncate it and everything after it. It also
     * keeps the body's int length prefix, and the one buffer that holds it, far from the 2 GiB array limit.
     */
    static final int MAX_BODY_BYTES = 1 << 30;
    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".log";

    /** When spool writes are forced to disk. */
    public enum SyncPolicy {
        /** Never: the operating system writes the page cache back when it likes. */
        NONE,
        /** When a segment is complete, and the directory when a segment is created or deleted (default). */
        SEGMENT,
        /** After every append, before the committing thread returns: survives an OS crash; costs a disk flush. */
        APPEND
    }

    private final Path dir;
    private final long maxBytes;
    private final SyncPolicy sync;
    private final long segmentBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition space = lock.newCondition();
    private final Condition appended = lock.newCondition();
    private final List<Segment> segments = new ArrayList<>();
    private FileChannel writer;
    private volatile long lastEventId;
    private volatile long lastSequencedId;
    private long publishedId;
    /** Segment (first id) and byte offset where the last published record ends; -1 when only an id is known. */
    private long publishedSegmentFirstId = -1;
    private long publishedEndOffset;
    /** {@link #unpublishedBytesLocked()} as of the last change, readable without the lock (status, metrics). */
    private volatile long unpublishedBytes;
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

    private EventSpool(Path dir, long maxBytes, SyncPolicy sync) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.sync = sync;
        this.segmentBytes = Math.max(64 * 1024, Math.min(64L << 20, maxBytes / 8));
    }

    /** Opens (creating if needed) the spool directory with the default sync policy and recovers its state. */
    public static EventSpool open(Path dir, long maxBytes) {
        return open(dir, maxBytes, SyncPolicy.SEGMENT);
    }

    /** Opens (creating if needed) the spool directory and recovers its state. */
    public static EventSpool open(Path dir, long maxBytes, SyncPolicy sync) {
        EventSpool spool = new EventSpool(dir, maxBytes, sync);
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
            unpublishedBytes = unpublishedBytesLocked();
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

    static long parseFirstId(Path p) {
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
                    if (sync != SyncPolicy.NONE) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    /**
     * Appends one transaction, blocking while the spool is full (the documented back-pressure policy).
     *
     * @throws InterruptedException if interrupted while waiting for space
     */
    @Override
    public void append(long commitId, long previousCommitId, List<byte[]> records) throws InterruptedException {
        ByteBuffer body = eventBody(commitId, previousCommitId, records);
        awaitSpace(body.remaining());
        write(commitId, EVENT, body);
    }

    /** Records that every commit id up to {@code commitId} was sequenced. */
    @Override
    public void mark(long commitId) throws InterruptedException {
        if (commitId <= lastSequencedId) {
            return;
        }
        ByteBuffer body = ByteBuffer.allocate(9).put(MARK).putLong(commitId).flip();
        write(commitId, MARK, body);
    }

    private static ByteBuffer eventBody(long commitId, long previousCommitId, List<byte[]> records) {
        // Summed as long and checked before allocating: an int sum of a transaction over 2 GiB wraps silently.
        long size = 1 + 8 + 8 + 4 + records.stream().mapToLong(r -> 4L + r.length).sum();
        if (size > MAX_BODY_BYTES) {
            throw new SpoolRecordTooLargeException(commitId, "commit " + commitId + ": its " + records.size()
                    + " records take " + size + " bytes in the spool, over the limit of " + MAX_BODY_BYTES
                    + " bytes for one transaction; nothing was spooled");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).put(EVENT).putLong(commitId).putLong(previousCommitId)
                .putInt(records.size());
        records.forEach(r -> b.putInt(r.length).put(r));
        return b.flip();
    }

    private void awaitSpace(int bytes) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            // Only an unpublished event can ever free space. When Kafka has every event, what remains is marks
            // (commits without changes), and waiting would block commits forever: append over the bound instead.
            // The wait releases the lock, so the publisher's published() can always get in and free space.
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
            if (sync == SyncPolicy.APPEND) {
                writer.force(false);
            }
            lastSequencedId = Math.max(lastSequencedId, commitId);
            if (type == EVENT) {
                lastEventId = commitId;
            }
            unpublishedBytes = unpublishedBytesLocked();
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
        syncDirectory();
        return s;
    }

    /**
     * Tells the spool that Kafka has every event up to {@code commitId} (for example the topic's last record, whose
     * place in the spool is not known): segments entirely at or below it stop counting against the bound.
     */
    public void published(long commitId) {
        published(commitId, null);
    }

    /**
     * Tells the spool that Kafka has every event up to and including {@code event}, which was read from this
     * spool: its bytes, and everything before them, stop counting against the bound at once. Whole segments
     * below it are deleted (never the segment being written, nor the one holding the last event) and blocked
     * appenders wake up.
     */
    public void published(SpooledEvent event) {
        published(event.commitId(), event.position());
    }

    private void published(long commitId, SpooledEvent.Position position) {
        lock.lock();
        try {
            if (commitId >= publishedId) {
                publishedId = commitId;
                publishedSegmentFirstId = position == null ? -1 : position.segmentFirstId();
                publishedEndOffset = position == null ? 0 : position.endOffset();
            }
            boolean deleted = false;
            while (segments.size() > 1 && segments.get(0).lastId <= publishedId && !holdsLastEvent(0)) {
                Files.deleteIfExists(segments.remove(0).path);
                deleted = true;
            }
            if (deleted) {
                syncDirectory();
            }
            unpublishedBytes = unpublishedBytesLocked();
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

    /**
     * Moves the segments of a spool that is not open into {@code <dir>/archive/<name>/}, leaving an empty spool: a
     * member starting a new epoch starts a new chain, and what the old spool held (all of it in the log, or a divergent
     * tail already reported) is kept for the operator rather than deleted.
     *
     * @return the archive directory, or null when there was nothing to move
     */
    public static Path archive(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> segments = files.filter(p -> {
                String f = p.getFileName().toString();
                return f.startsWith(PREFIX) && f.endsWith(SUFFIX);
            }).sorted().toList();
            if (segments.isEmpty()) {
                return null;
            }
            Path target = dir.resolve("archive").resolve(name);
            Files.createDirectories(target);
            for (Path segment : segments) {
                Files.move(segment, target.resolve(segment.getFileName()));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive the ha4neo spool segments of " + dir, e);
        }
    }

    /**
     * Deletes all but the {@code retain} newest archives under {@code <dir>/archive/} (newest by the time the archive
     * was made, the directory's modification time, then by name), and returns what it deleted. A directory that
     * cannot be deleted is left and reported by the caller's log only: pruning never fails a role change.
     */
    public static List<Path> pruneArchives(Path dir, int retain) {
        Path archive = dir.resolve("archive");
        if (!Files.isDirectory(archive)) {
            return List.of();
        }
        List<Path> archives;
        try (Stream<Path> entries = Files.list(archive)) {
            archives = entries.filter(Files::isDirectory).sorted(java.util.Comparator.comparing(EventSpool::modified)
                    .thenComparing(Path::getFileName).reversed()).toList();
        } catch (IOException e) {
            return List.of();
        }
        List<Path> deleted = new java.util.ArrayList<>();
        for (Path old : archives.subList(Math.min(retain, archives.size()), archives.size())) {
            if (deleteTree(old)) {
                deleted.add(old);
            }
        }
        return deleted;
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static boolean deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
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
    @Override
    public long lastEventId() {
        return lastEventId;
    }

    /** Highest commit id known to be sequenced: the last event or mark. Never blocks. */
    @Override
    public long lastSequencedId() {
        return lastSequencedId;
    }

    /**
     * Bytes of spool records after the last published one (the quantity {@code maxBytes} bounds). Never blocks, so
     * status and metrics answer while commits wait for space.
     */
    public long unpublishedBytes() {
        return unpublishedBytes;
    }

    private long unpublishedBytesLocked() {
        long total = 0;
        for (Segment s : segments) {
            if (s.lastId <= publishedId) {
                continue;
            }
            total += s.firstId == publishedSegmentFirstId ? Math.max(0, s.bytes - publishedEndOffset) : s.bytes;
        }
        return total;
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
            if (sync != SyncPolicy.NONE) {
                writer.force(false);
            }
            writer.close();
            writer = null;
        }
    }

    /** Makes segment creations and deletions durable (a new file's directory entry is not, until this). */
    private void syncDirectory() throws IOException {
        if (sync == SyncPolicy.NONE) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a directory for reading; the data itself is still forced.
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
