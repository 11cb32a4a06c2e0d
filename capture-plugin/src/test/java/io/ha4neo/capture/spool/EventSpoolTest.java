package io.ha4neo.capture.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventSpoolTest {
    /** With this bound the spool cuts 64 KiB segments: seven {@link #BIG} events fill one. */
    private static final long MAX_BYTES = 512 * 1024;
    private static final int BIG = 10 * 1024;

    @TempDir
    Path dir;

    /** A spooled event in comparable form (SpooledEvent holds byte arrays, which compare by identity). */
    record Seen(long commitId, long previousCommitId, List<String> records) {
        static Seen of(SpooledEvent e) {
            return new Seen(e.commitId(), e.previousCommitId(),
                    e.records().stream().map(r -> Base64.getEncoder().encodeToString(r)).toList());
        }
    }

    /** Deterministic content, different for every (commit id, chunk). */
    private static byte[] content(long commitId, int chunk, int size) {
        byte[] b = new byte[size];
        new Random(commitId * 31 + chunk).nextBytes(b);
        return b;
    }

    private static Seen append(EventSpool spool, long commitId, long previous, int chunks, int size)
            throws InterruptedException {
        List<byte[]> records = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            records.add(content(commitId, c, size));
        }
        spool.append(commitId, previous, records);
        return new Seen(commitId, previous, records.stream().map(r -> Base64.getEncoder().encodeToString(r)).toList());
    }

    /** Appends BIG events with ids first..last, each chained to the one before. */
    private static List<Seen> appendBig(EventSpool spool, long first, long last) throws InterruptedException {
        List<Seen> out = new ArrayList<>();
        for (long id = first; id <= last; id++) {
            out.add(append(spool, id, id - 1, 1, BIG));
        }
        return out;
    }

    private static List<Seen> readAll(SpoolReader reader) throws InterruptedException {
        List<Seen> out = new ArrayList<>();
        List<SpooledEvent> batch;
        while (!(batch = reader.next(5, Long.MAX_VALUE, 0)).isEmpty()) {
            batch.forEach(e -> out.add(Seen.of(e)));
        }
        return out;
    }

    private List<String> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("spool-")).sorted().toList();
        }
    }

    private static String segmentName(long firstId) {
        return String.format("spool-%020d.log", firstId);
    }

    @Test
    void readsBackEveryEventInOrderAcrossSegmentsAndNeverReturnsMarks() throws Exception {
        List<Seen> written = new ArrayList<>();
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            long previous = 0;
            for (long id = 2; id <= 80; id += 2) {
                written.add(append(spool, id, previous, (int) (id % 3) + 1, 3_000 + (int) id));
                previous = id;
                spool.mark(id + 1); // the odd ids had nothing to replicate
            }
            assertThat(segmentFiles()).hasSizeGreaterThanOrEqualTo(4);
            assertThat(spool.lastEventId()).isEqualTo(80);
            assertThat(spool.lastSequencedId()).isEqualTo(81);

            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(readAll(reader)).containsExactlyElementsOf(written);
                assertThat(reader.lastReturnedId()).isEqualTo(80);
            }
        }
    }

    @Test
    void aReaderAfterAnIdSkipsThatIdAndEverythingBefore() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            List<Seen> written = appendBig(spool, 1, 20);
            spool.mark(21);
            try (SpoolReader afterEvent = spool.readerAfter(9)) {
                assertThat(readAll(afterEvent)).containsExactlyElementsOf(written.subList(9, 20));
            }
            try (SpoolReader afterAll = spool.readerAfter(21)) {
                assertThat(readAll(afterAll)).isEmpty();
            }
        }
    }

    @Test
    void aReaderAtTheEndFollowsLaterAppendsIncludingIntoANewSegment() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            List<Seen> first = appendBig(spool, 1, 7); // fills the first segment
            assertThat(segmentFiles()).containsExactly(segmentName(1));
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(readAll(reader)).containsExactlyElementsOf(first);

                // The reader waits (long) for appends; the appends must wake it.
                CompletableFuture<List<Seen>> follower = CompletableFuture.supplyAsync(() -> {
                    List<Seen> got = new ArrayList<>();
                    try {
                        while (got.size() < 3) {
                            reader.next(10, Long.MAX_VALUE, 60_000).forEach(e -> got.add(Seen.of(e)));
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return got;
                });
                List<Seen> later = new ArrayList<>();
                for (long id = 8; id <= 10; id++) {
                    later.add(append(spool, id, id - 1, 1, BIG));
                    spool.mark(id * 100); // marks between events are skipped by the reader
                }
                assertThat(segmentFiles()).containsExactly(segmentName(1), segmentName(8));
                List<Seen> followed = assertTimeoutPreemptively(Duration.ofSeconds(20),
                        () -> follower.get(20, TimeUnit.SECONDS));
                assertThat(followed).containsExactlyElementsOf(later);
            }
        }
    }

    @Test
    void publishingDeletesFullyPublishedSegmentsButNeverTheLastOne() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            List<Seen> written = appendBig(spool, 1, 30);
            assertThat(segmentFiles()).containsExactly(segmentName(1), segmentName(8), segmentName(15),
                    segmentName(22), segmentName(29));
            long before = spool.unpublishedBytes();

            spool.published(10); // segment 8..14 is only partly published
            assertThat(segmentFiles()).containsExactly(segmentName(8), segmentName(15), segmentName(22), segmentName(29));
            assertThat(spool.unpublishedBytes()).isLessThan(before).isPositive();

            spool.published(30);
            assertThat(segmentFiles()).containsExactly(segmentName(29));
            assertThat(spool.unpublishedBytes()).isZero();

            spool.published(5); // going backwards changes nothing
            assertThat(spool.unpublishedBytes()).isZero();

            Seen next = append(spool, 31, 30, 1, BIG);
            try (SpoolReader reader = spool.readerAfter(30)) {
                assertThat(readAll(reader)).containsExactly(next);
            }
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(readAll(reader)).containsExactly(written.get(28), written.get(29), next);
            }
        }
    }

    @Test
    void aFullSpoolBlocksTheAppenderUntilSegmentsArePublished() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            long id = 0;
            while (spool.unpublishedBytes() + BIG + 64 <= MAX_BYTES) {
                id++;
                append(spool, id, id - 1, 1, BIG);
            }
            long blockedId = id + 1;
            CompletableFuture<Seen> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return append(spool, blockedId, blockedId - 1, 1, BIG);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (spool.blockedMillis() == 0 && System.nanoTime() < deadline && !blocked.isDone()) {
                Thread.sleep(10);
            }
            assertThat(blocked).as("append into a full spool").isNotDone();
            assertThat(spool.blockedMillis()).isPositive();
            assertThat(spool.lastSequencedId()).isEqualTo(id);

            spool.published(7); // Kafka took the first segment: room for one more event

            Seen appended = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> blocked.get(10, TimeUnit.SECONDS));
            assertThat(spool.blockedMillis()).isZero();
            assertThat(segmentFiles()).doesNotContain(segmentName(1));
            try (SpoolReader reader = spool.readerAfter(id)) {
                assertThat(readAll(reader)).containsExactly(appended);
            }
        }
    }

    @Test
    void publishingAReadEventFreesExactlyItsBytesAtOnceNotOnlyWholeSegments() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            appendBig(spool, 1, 4); // all in the first 64 KiB segment
            long four = spool.unpublishedBytes();
            try (SpoolReader reader = spool.readerAfter(0)) {
                List<SpooledEvent> firstTwo = reader.next(2, Long.MAX_VALUE, 0);
                spool.published(firstTwo.get(1));
                assertThat(spool.unpublishedBytes()).as("two of four equal events published").isEqualTo(four / 2);
                List<SpooledEvent> rest = reader.next(10, Long.MAX_VALUE, 0);
                spool.published(rest.get(rest.size() - 1));
                assertThat(spool.unpublishedBytes()).isZero();
            }
            assertThat(segmentFiles()).containsExactly(segmentName(1)); // the file stays: it holds the last event
        }
    }

    @Test
    void aRecordAppendedJustBeforeTheSegmentRollsIsNotSkippedByAReaderAtTheEndOfThatSegment() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            appendBig(spool, 1, 6); // 6 of the 7 events that fit the first segment
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(reader.next(10, Long.MAX_VALUE, 0)).hasSize(6);
                // The appender writes event 7 (the last that fits) and event 8 (which opens a new segment) after the
                // reader has read the first segment's length but before it looks for the next segment.
                reader.beforeNextSegmentLookup = () -> {
                    reader.beforeNextSegmentLookup = () -> { };
                    try {
                        appendBig(spool, 7, 8);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                };
                List<Long> next = new ArrayList<>();
                reader.next(10, Long.MAX_VALUE, 0).forEach(e -> next.add(e.commitId()));
                reader.next(10, Long.MAX_VALUE, 0).forEach(e -> next.add(e.commitId()));
                assertThat(segmentFiles()).containsExactly(segmentName(1), segmentName(8));
                assertThat(next).containsExactly(7L, 8L);
            }
        }
    }

    @Test
    void aReaderFollowingConcurrentAppendsAcrossManySegmentRollsReturnsEveryEventOnceInOrder() throws Exception {
        int events = 3_000;
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            CompletableFuture<Void> appender = CompletableFuture.runAsync(() -> {
                try {
                    for (long id = 1; id <= events; id++) {
                        append(spool, id, id - 1, 1, 900 + (int) (id % 7) * 150); // rolls about every 60 events
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Long> read = new ArrayList<>();
            try (SpoolReader reader = spool.readerAfter(0)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (read.size() < events && System.nanoTime() < deadline) {
                    List<SpooledEvent> batch = reader.next(1 + read.size() % 3, Long.MAX_VALUE, 5);
                    batch.forEach(e -> read.add(e.commitId()));
                    if (!batch.isEmpty()) {
                        spool.published(batch.get(batch.size() - 1)); // keeps the appender from blocking
                    }
                }
            }
            appender.get(10, TimeUnit.SECONDS);
            List<Long> expected = new ArrayList<>();
            for (long id = 1; id <= events; id++) {
                expected.add(id);
            }
            assertThat(read).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void marksAfterTheLastPublishedEventNeverBlockTheNextAppend() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            append(spool, 1, 0, 1, BIG);
            spool.published(1);
            // Many commits without replicable changes: only marks, far more bytes than the bound. Nothing is left
            // to publish, so nothing could ever free space for the next event if marks counted as unpublished.
            long id = 1;
            while (id < 30_000) {
                spool.mark(++id);
            }
            long next = id + 1;
            Seen appended = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> append(spool, next, 1, 1, BIG));
            try (SpoolReader reader = spool.readerAfter(1)) {
                assertThat(readAll(reader)).containsExactly(appended);
            }
        }
    }

    @Test
    void reopeningRecoversTheLastEventAndLastSequencedIdsAndAppendsContinue() throws Exception {
        List<Seen> written;
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            written = new ArrayList<>(appendBig(spool, 1, 12));
            spool.mark(15);
            spool.mark(15); // not above the last sequenced id: no record
            spool.mark(14);
        }
        long sizeAfterMarks = Files.size(dir.resolve(segmentName(8)));
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            assertThat(spool.lastEventId()).isEqualTo(12);
            assertThat(spool.lastSequencedId()).isEqualTo(15);
            assertThat(Files.size(dir.resolve(segmentName(8)))).isEqualTo(sizeAfterMarks);
            written.add(append(spool, 16, 12, 2, 500));
            assertThat(spool.lastEventId()).isEqualTo(16);
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(readAll(reader)).containsExactlyElementsOf(written);
            }
        }
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            assertThat(spool.lastEventId()).isEqualTo(16);
            assertThat(spool.lastSequencedId()).isEqualTo(16);
        }
    }

    @Test
    void reopeningRemembersTheLastEventWhenOnlyMarksFollowItInUndeletedSegments() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            appendBig(spool, 1, 7); // fills the first segment
            spool.mark(8);          // so this mark starts a second one
            spool.published(7);     // Kafka has every event
        }
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            // The next event's chain link comes from lastEventId: 0 here would make it look like another primary's.
            assertThat(spool.lastEventId()).isEqualTo(7);
            assertThat(spool.lastSequencedId()).isEqualTo(8);
        }
    }

    @Test
    void aTailTornMidRecordIsTruncatedAtOpenAndAppendsContinue() throws Exception {
        List<Seen> written;
        long sizeBeforeLast;
        Path segment = dir.resolve(segmentName(1));
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            written = new ArrayList<>(appendBig(spool, 1, 4));
            sizeBeforeLast = Files.size(segment);
            append(spool, 5, 4, 1, BIG);
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(segment) - 5);
        }
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            assertThat(Files.size(segment)).isEqualTo(sizeBeforeLast);
            assertThat(spool.lastEventId()).isEqualTo(4);
            assertThat(spool.lastSequencedId()).isEqualTo(4);
            written.add(append(spool, 5, 4, 2, 700));
            written.add(append(spool, 6, 5, 1, 800));
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(readAll(reader)).containsExactlyElementsOf(written);
            }
        }
    }

    @ParameterizedTest(name = "garbage of kind {0}")
    @ValueSource(strings = {"shorter-than-a-header", "header-longer-than-the-file", "bad-checksum"})
    void garbageAfterTheLastRecordIsTruncatedAtOpen(String kind) throws Exception {
        Path segment = dir.resolve(segmentName(1));
        List<Seen> written;
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            written = new ArrayList<>(appendBig(spool, 1, 3));
        }
        long validSize = Files.size(segment);
        ByteBuffer garbage = switch (kind) {
            case "shorter-than-a-header" -> ByteBuffer.wrap(new byte[] {1, 2, 3});
            case "header-longer-than-the-file" -> ByteBuffer.allocate(20).putInt(1_000).putInt(77).flip();
            default -> ByteBuffer.allocate(8 + 9).putInt(9).putInt(12345).put((byte) 2).putLong(4).flip();
        };
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(garbage);
        }
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            assertThat(Files.size(segment)).isEqualTo(validSize);
            assertThat(spool.lastSequencedId()).isEqualTo(3);
            written.add(append(spool, 4, 3, 1, 100));
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(readAll(reader)).containsExactlyElementsOf(written);
            }
        }
    }

    @Test
    void corruptionInASegmentOtherThanTheLastIsRefusedNamingTheFile() throws Exception {
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            appendBig(spool, 1, 10);
        }
        Path first = dir.resolve(segmentName(1));
        long size = Files.size(first);
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xA5}), 10_273 + 500); // inside the second record's body
        }
        assertThatThrownBy(() -> EventSpool.open(dir, MAX_BYTES))
                .isInstanceOf(SpoolCorruptException.class)
                .hasMessageContaining(segmentName(1))
                .hasMessageContaining("byte 10273");
        assertThat(Files.size(first)).as("a corrupt segment is left as it is for inspection").isEqualTo(size);
    }

    /**
     * Transactions of 2049, 4097 and 8193 chunks of 512 KiB: just over the 1 GiB record limit, over 2 GiB (an int
     * sum of the sizes wraps to a negative buffer size) and over 4 GiB (it wraps to a small positive one). The chunks
     * share one array, so the test needs no gigabytes of heap.
     */
    @ParameterizedTest
    @ValueSource(ints = {2049, 4097, 8193})
    void aTransactionOverTheRecordLimitIsRefusedWholeNamingItsCommitAndTheNextOneIsSpooled(int chunks)
            throws Exception {
        byte[] chunk = new byte[512 * 1024];
        List<byte[]> huge = java.util.Collections.nCopies(chunks, chunk);
        try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
            Seen first = append(spool, 1, 0, 1, BIG);
            spool.published(1); // so that a spool that took the transaction would not wait for space, but write it

            assertThatThrownBy(() -> spool.append(2, 1, huge)).isInstanceOf(SpoolRecordTooLargeException.class)
                    .hasMessageStartingWith("commit 2: its " + chunks + " records take "
                            + (21 + chunks * (4L + chunk.length)) + " bytes")
                    .hasMessageContaining("over the limit of " + EventSpool.MAX_BODY_BYTES)
                    .satisfies(e -> assertThat(((SpoolRecordTooLargeException) e).commitId()).isEqualTo(2));
            assertThat(spool.lastEventId()).as("nothing of commit 2 was written").isEqualTo(1);
            assertThat(spool.lastSequencedId()).isEqualTo(1);

            Seen third = append(spool, 3, 2, 1, BIG);
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(readAll(reader)).containsExactly(first, third);
            }
        }
        try (EventSpool reopened = EventSpool.open(dir, MAX_BYTES)) {
            assertThat(reopened.lastEventId()).isEqualTo(3);
        }
    }

    @Test
    void aNewSpoolStartsEmpty() throws Exception {
        try (EventSpool spool = EventSpool.open(dir.resolve("a/b"), MAX_BYTES)) {
            assertThat(spool.lastEventId()).isZero();
            assertThat(spool.lastSequencedId()).isZero();
            assertThat(spool.unpublishedBytes()).isZero();
            try (SpoolReader reader = spool.readerAfter(0)) {
                assertThat(reader.next(10, Long.MAX_VALUE, 0)).isEmpty();
            }
        }
    }

    @Test
    void archivingKeepsTheNewestArchivesUpToTheRetentionAndDeletesTheOlderOnes() throws Exception {
        for (int epoch = 1; epoch <= 4; epoch++) {
            try (EventSpool spool = EventSpool.open(dir, MAX_BYTES)) {
                append(spool, epoch * 10L, epoch * 10L - 1, 1, 100);
            }
            Path archived = EventSpool.archive(dir, "before-epoch-" + epoch);
            Files.setLastModifiedTime(archived, java.nio.file.attribute.FileTime.fromMillis(1_000_000L * epoch));
        }

        List<Path> deleted = EventSpool.pruneArchives(dir, 2);

        assertThat(deleted).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("before-epoch-1", "before-epoch-2");
        try (Stream<Path> left = Files.list(dir.resolve("archive"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("before-epoch-3",
                    "before-epoch-4");
        }
        assertThat(EventSpool.pruneArchives(dir, 2)).as("nothing more to delete").isEmpty();
        assertThat(EventSpool.pruneArchives(dir, 0)).hasSize(2);
        assertThat(EventSpool.pruneArchives(dir.resolve("no-such-spool"), 0)).isEmpty();
    }
}
