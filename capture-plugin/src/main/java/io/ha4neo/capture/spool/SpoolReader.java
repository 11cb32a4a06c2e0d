package io.ha4neo.capture.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads spooled events in order, following the spool as it grows (like {@code tail -f}). Used by the single
 * publisher thread. Only complete records are read: the spool tells the reader how many bytes of a segment
 * are complete, so a concurrent append is never seen half-written.
 */
public final class SpoolReader implements AutoCloseable {
    /** One decoded spool record. */
    record Record(byte type, long commitId, long previousCommitId, List<byte[]> records, long size) {
    }

    private final EventSpool spool;
    /** Test seam: runs between reading a segment's length and looking for the next segment (the race window). */
    Runnable beforeNextSegmentLookup = () -> { };
    private long lastReturnedId;
    private Path current;
    private RecordCursor cursor;

    SpoolReader(EventSpool spool, long afterCommitId) {
        this.spool = spool;
        this.lastReturnedId = afterCommitId;
    }

    /**
     * Returns up to {@code maxEvents} events (and about {@code maxBytes}) after the last one returned, waiting
     * up to {@code waitMillis} when none is available yet.
     */
    public List<SpooledEvent> next(int maxEvents, long maxBytes, long waitMillis) throws InterruptedException {
        long seenBeforeReading = spool.lastSequencedId();
        List<SpooledEvent> out = new ArrayList<>();
        long bytes = 0;
        while (out.size() < maxEvents && bytes < maxBytes) {
            Record r = readOne();
            if (r == null) {
                break;
            }
            if (r.type() == EventSpool.EVENT && r.commitId() > lastReturnedId) {
                SpooledEvent e = new SpooledEvent(r.commitId(), r.previousCommitId(), r.records(),
                        new SpooledEvent.Position(EventSpool.parseFirstId(current), cursor.validBytes()));
                out.add(e);
                bytes += e.bytes();
                lastReturnedId = r.commitId();
            }
        }
        if (out.isEmpty()) {
            spool.awaitAppend(seenBeforeReading, waitMillis);
        }
        return out;
    }

    private Record readOne() {
        try {
            while (true) {
                if (cursor == null && !advance()) {
                    return null;
                }
                Record r = cursor.next(spool.validBytes(current));
                if (r != null) {
                    return r;
                }
                beforeNextSegmentLookup.run();
                if (spool.nextSegment(current) == null) {
                    return null;
                }
                // A later segment exists, so the current one is final: the appender only ever writes to the last
                // segment. Its last record may have been appended between the validBytes read above and the
                // nextSegment call (the append that rolled came right after it), so read up to the final length
                // once more before moving on; otherwise that record would be skipped.
                r = cursor.next(spool.validBytes(current));
                if (r != null) {
                    return r;
                }
                cursor.close();
                cursor = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ha4neo spool segment " + current, e);
        }
    }

    private boolean advance() throws IOException {
        Path next = spool.nextSegment(current);
        if (next == null) {
            return false;
        }
        current = next;
        try {
            cursor = new RecordCursor(next);
        } catch (NoSuchFileException deletedMeanwhile) {
            cursor = null;
            return advance();
        }
        return true;
    }

    /** The commit id of the last event returned. */
    public long lastReturnedId() {
        return lastReturnedId;
    }

    @Override
    public void close() {
        try {
            if (cursor != null) {
                cursor.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sequential record reader over one segment file with CRC validation. */
    static final class RecordCursor implements AutoCloseable {
        private final FileChannel channel;
        private final Path path;
        private long position;
        private boolean tornTail;

        RecordCursor(Path path) throws IOException {
            this.path = path;
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
        }

        /** The next complete, valid record below {@code limit} bytes, or null. */
        Record next(long limit) throws IOException {
            long end = Math.min(limit, channel.size());
            if (end - position < 8) {
                tornTail |= end > position && limit == Long.MAX_VALUE;
                return null;
            }
            ByteBuffer header = readFully(position, 8);
            int length = header.getInt();
            int crc = header.getInt();
            if (length < 9 || length > EventSpool.MAX_BODY_BYTES || end - position - 8 < length) {
                tornTail = limit == Long.MAX_VALUE;
                return null;
            }
            ByteBuffer body = readFully(position + 8, length);
            CRC32C c = new CRC32C();
            c.update(body.duplicate());
            if ((int) c.getValue() != crc) {
                tornTail = true;
                if (limit != Long.MAX_VALUE) {
                    throw new SpoolCorruptException("spool segment " + path + " has a bad checksum at byte " + position);
                }
                return null;
            }
            Record r = parse(body, 8L + length);
            position += 8L + length;
            return r;
        }

        private static Record parse(ByteBuffer body, long size) {
            byte type = body.get();
            long commitId = body.getLong();
            if (type != EventSpool.EVENT) {
                return new Record(type, commitId, 0, List.of(), size);
            }
            long prev = body.getLong();
            int n = body.getInt();
            List<byte[]> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] r = new byte[body.getInt()];
                body.get(r);
                records.add(r);
            }
            return new Record(type, commitId, prev, records, size);
        }

        private ByteBuffer readFully(long at, int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (channel.read(b, at + b.position()) < 0) {
                    throw new IOException("unexpected end of " + path);
                }
            }
            return b.flip();
        }

        long validBytes() {
            return position;
        }

        boolean hasTornTail() {
            return tornTail;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
