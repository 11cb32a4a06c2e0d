package io.ha4neo.schemas.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link TailSearch} against the obvious model: scan the whole partition and keep the last offset that holds a record.
 * Partitions are random mixes of records and offsets without one (transaction markers, aborted records).
 */
class TailSearchTest {
    @Test
    void findsTheSameLastRecordAsAFullScanForRandomPartitions() {
        Random random = new Random(20261201L);
        for (int run = 0; run < 2_000; run++) {
            long begin = random.nextInt(3) == 0 ? random.nextInt(1_000) : 0;
            int length = random.nextInt(run % 10 == 0 ? 5_000 : 200);
            Partition p = Partition.random(random, begin, length, random.nextDouble());

            Optional<Long> found = TailSearch.last(begin, begin + length, p::lastBetween);

            assertThat(found).as("run %d: %s", run, p).isEqualTo(p.lastByFullScan());
            assertThat(p.readTwice).as("run %d: offsets read twice", run).isEmpty();
        }
    }

    @Test
    void anEmptyPartitionOrOneWithOnlyMarkersHasNoLastRecord() {
        Partition markersOnly = new Partition(5, 40, Set.of());

        assertThat(TailSearch.last(5, 5, markersOnly::lastBetween)).isEmpty();
        assertThat(TailSearch.last(5, 45, markersOnly::lastBetween)).isEmpty();
        assertThat(markersOnly.windows).containsExactly("[29, 45)", "[5, 29)");
    }

    @Test
    void aRecordJustBeforeTheTrailingMarkersIsFoundInTheFirstWindow() {
        Partition p = new Partition(0, 1_000_000, Set.of(999_998L));

        assertThat(TailSearch.last(0, 1_000_000, p::lastBetween)).contains(999_998L);
        assertThat(p.windows).containsExactly("[999984, 1000000)");
    }

    @Test
    void windowsGrowFourfoldAndNeverOverlap() {
        Partition p = new Partition(0, 2_000, Set.of(3L));

        assertThat(TailSearch.last(0, 2_000, p::lastBetween)).contains(3L);
        assertThat(p.windows).containsExactly("[1984, 2000)", "[1920, 1984)", "[1664, 1920)", "[640, 1664)",
                "[0, 640)");
    }

    /** A partition whose offsets {@code records} hold a record; it remembers what the search read. */
    private static final class Partition {
        final long begin;
        final long length;
        final Set<Long> records;
        final List<String> windows = new ArrayList<>();
        final Set<Long> read = new HashSet<>();
        final Set<Long> readTwice = new HashSet<>();

        Partition(long begin, long length, Set<Long> records) {
            this.begin = begin;
            this.length = length;
            this.records = records;
        }

        static Partition random(Random random, long begin, int length, double recordShare) {
            Set<Long> records = new HashSet<>();
            for (long o = begin; o < begin + length; o++) {
                if (random.nextDouble() < recordShare) {
                    records.add(o);
                }
            }
            return new Partition(begin, length, records);
        }

        Optional<Long> lastBetween(long from, long to) {
            windows.add("[" + from + ", " + to + ")");
            Long last = null;
            for (long o = from; o < to; o++) {
                if (!read.add(o)) {
                    readTwice.add(o);
                }
                if (records.contains(o)) {
                    last = o;
                }
            }
            return Optional.ofNullable(last);
        }

        Optional<Long> lastByFullScan() {
            return records.stream().max(Long::compare);
        }

        @Override
        public String toString() {
            return "partition [" + begin + ", " + (begin + length) + ") with " + records.size() + " records";
        }
    }
}
