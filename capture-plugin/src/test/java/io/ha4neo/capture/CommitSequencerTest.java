package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommitSequencerTest {
    /** What the sink received, in order. A skip has payload null. */
    record Delivered(long commitId, String payload) {
    }

    /** A gap the sequencer reported. */
    record Gap(long first, long last, String reason) {
    }

    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    private final List<Gap> gaps = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong();

    private CommitSequencer<String> sequencer(long nextExpected, int maxPending, long stallMillis) {
        return new CommitSequencer<>(nextExpected, maxPending, stallMillis, clock::get,
                (id, p) -> delivered.add(new Delivered(id, p)), (f, l, r) -> gaps.add(new Gap(f, l, r)));
    }

    private static String payloadOf(long id) {
        return id % 7 == 0 ? null : "tx-" + id; // every 7th commit has nothing to replicate
    }

    private static List<Delivered> expectedRange(long first, long last) {
        List<Delivered> out = new ArrayList<>();
        for (long id = first; id <= last; id++) {
            out.add(new Delivered(id, payloadOf(id)));
        }
        return out;
    }

    @Test
    void deliversIdsOfferedInRandomOrderByManyThreadsContiguouslyAndEachExactlyOnce() throws Exception {
        long first = 1_001;
        int count = 4_000;
        CommitSequencer<String> seq = sequencer(first, count, 60_000);
        List<Long> ids = new ArrayList<>();
        for (long id = first; id < first + count; id++) {
            ids.add(id);
        }
        Collections.shuffle(ids, new Random(42));

        runInThreads(8, ids, seq);

        assertThat(delivered).containsExactlyElementsOf(expectedRange(first, first + count - 1));
        assertThat(seq.nextExpected()).isEqualTo(first + count);
        assertThat(seq.pending()).isZero();
        assertThat(gaps).isEmpty();
    }

    @Test
    void keepsAtMostMaxPendingCommitsWaitingWhileThreadsInterleaveRandomly() throws Exception {
        // Like Neo4j: each committing thread offers its own ids in increasing order, threads interleave freely.
        int maxPending = 4;
        int count = 3_000;
        List<Integer> sizesSeenBySink = new CopyOnWriteArrayList<>();
        CommitSequencer<String>[] holder = new CommitSequencer[1];
        holder[0] = new CommitSequencer<>(1, maxPending, 60_000, clock::get, (id, p) -> {
            delivered.add(new Delivered(id, p));
            sizesSeenBySink.add(holder[0].pending());
        }, (f, l, r) -> gaps.add(new Gap(f, l, r)));
        Random random = new Random(7);
        int threads = 6;
        List<List<Long>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        for (long id = 1; id <= count; id++) {
            perThread.get(random.nextInt(threads)).add(id);
        }

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> runEach(perThread, holder[0]));

        assertThat(delivered).containsExactlyElementsOf(expectedRange(1, count));
        assertThat(sizesSeenBySink).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(maxPending));
        assertThat(gaps).isEmpty();
    }

    @Test
    void blocksAnOfferBeyondThePrefixWhenFullButNeverTheNextExpectedId() throws Exception {
        CommitSequencer<String> seq = sequencer(1, 2, 60_000);
        seq.offer(3, "tx-3");
        seq.offer(4, "tx-4");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<?> beyond = pool.submit(() -> {
                started.countDown();
                seq.offer(5, "tx-5");
                return null;
            });
            started.await();
            awaitBlocked(beyond, seq, 2);

            // The next expected id must get through although the buffer is full, or the prefix could never move.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> seq.offer(1, "tx-1"));
            assertThat(delivered).containsExactly(new Delivered(1, "tx-1"));
            assertThat(beyond).isNotDone();

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> seq.offer(2, null));
            beyond.get(10, TimeUnit.SECONDS);
            assertThat(delivered).containsExactly(new Delivered(1, "tx-1"), new Delivered(2, null),
                    new Delivered(3, "tx-3"), new Delivered(4, "tx-4"), new Delivered(5, "tx-5"));
            assertThat(seq.nextExpected()).isEqualTo(6);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reportsAMissingIdRangeAfterTheStallTimeoutAndDeliversWhatFollows() throws Exception {
        CommitSequencer<String> seq = sequencer(10, 100, 1_000);
        clock.set(5_000); // the stall is measured from when later ids start waiting, not from zero
        seq.offer(12, "tx-12");
        seq.offer(13, null);
        seq.offer(15, "tx-15");

        clock.set(5_999);
        seq.checkStall();
        assertThat(gaps).isEmpty();
        assertThat(delivered).isEmpty();

        clock.set(6_000);
        seq.checkStall();
        assertThat(gaps).singleElement().satisfies(g -> {
            assertThat(g.first()).isEqualTo(10);
            assertThat(g.last()).isEqualTo(11);
            assertThat(g.reason()).contains("1000 ms");
        });
        assertThat(delivered).containsExactly(new Delivered(12, "tx-12"), new Delivered(13, null));
        assertThat(seq.nextExpected()).isEqualTo(14);

        // Progress restarted the stall timer: 14 is given its own full timeout.
        clock.set(6_999);
        seq.checkStall();
        assertThat(gaps).hasSize(1);
        clock.set(7_000);
        seq.checkStall();
        assertThat(gaps).element(1).satisfies(g -> {
            assertThat(g.first()).isEqualTo(14);
            assertThat(g.last()).isEqualTo(14);
        });
        assertThat(delivered).extracting(Delivered::commitId).containsExactly(12L, 13L, 15L);

        seq.offer(16, "tx-16");
        assertThat(delivered).extracting(Delivered::commitId).containsExactly(12L, 13L, 15L, 16L);
        assertThat(seq.pending()).isZero();
    }

    @Test
    void restartsTheStallTimerWhenTheHeadMovesButAnotherIdIsStillMissing() throws Exception {
        CommitSequencer<String> seq = sequencer(10, 100, 1_000);
        clock.set(0);
        seq.offer(12, "tx-12");
        clock.set(900);
        seq.offer(10, "tx-10"); // progress: 11 is now the missing one, waited for since 900

        clock.set(1_500);
        seq.checkStall();
        assertThat(gaps).isEmpty();

        clock.set(1_900);
        seq.checkStall();
        assertThat(gaps).extracting(Gap::first, Gap::last).containsExactly(org.assertj.core.groups.Tuple.tuple(11L, 11L));
        assertThat(delivered).extracting(Delivered::commitId).containsExactly(10L, 12L);
    }

    @Test
    void stallChecksAndReadsNeverWaitForASinkThatIsBlockedHoldingTheLock() throws Exception {
        CountDownLatch sinkEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CommitSequencer<String> seq = new CommitSequencer<>(1, 100, 1_000, clock::get, (id, p) -> {
            sinkEntered.countDown();
            release.await(); // a full spool: the sink waits for the publisher, holding the sequencer lock
        }, (f, l, r) -> gaps.add(new Gap(f, l, r)));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> blocked = pool.submit(() -> {
                seq.offer(1, "tx-1");
                return null;
            });
            assertThat(sinkEntered.await(10, TimeUnit.SECONDS)).isTrue();
            clock.addAndGet(60_000);
            // The publisher thread calls these while commits wait for space; blocking here was the deadlock.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                seq.checkStall();
                assertThat(seq.nextExpected()).isEqualTo(1);
                assertThat(seq.pending()).isZero();
            });
            assertThat(blocked).isNotDone();
            release.countDown();
            blocked.get(10, TimeUnit.SECONDS);
            assertThat(seq.nextExpected()).isEqualTo(2);
            assertThat(gaps).isEmpty();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aSinkThatThrowsIsReportedForThatIdAndLaterIdsStillFlowInOrder() throws Exception {
        CommitSequencer<String> seq = new CommitSequencer<>(1, 100, 1_000, clock::get, (id, p) -> {
            if (id == 2) {
                throw new IllegalStateException("disk full");
            }
            delivered.add(new Delivered(id, p));
        }, (f, l, r) -> gaps.add(new Gap(f, l, r)));
        for (long id = 1; id <= 4; id++) {
            seq.offer(id, "tx-" + id);
        }
        assertThat(delivered).extracting(Delivered::commitId).containsExactly(1L, 3L, 4L);
        assertThat(gaps).singleElement().satisfies(g -> {
            assertThat(g.first()).isEqualTo(2);
            assertThat(g.reason()).contains("disk full");
        });
        assertThat(seq.nextExpected()).isEqualTo(5);
    }

    @Test
    void aSinkThatThrowsAnErrorIsReportedLikeAnyFailureAndDoesNotHoldUpLaterIds() throws Exception {
        CommitSequencer<String> seq = new CommitSequencer<>(1, 100, 1_000, clock::get, (id, p) -> {
            if (id == 2) {
                throw new NoClassDefFoundError("org/example/Missing");
            }
            delivered.add(new Delivered(id, p));
        }, (f, l, r) -> gaps.add(new Gap(f, l, r)));
        for (long id = 1; id <= 3; id++) {
            seq.offer(id, "tx-" + id);
        }
        assertThat(delivered).extracting(Delivered::commitId).containsExactly(1L, 3L);
        assertThat(gaps).singleElement().satisfies(g -> assertThat(g.reason()).contains("NoClassDefFoundError"));
        assertThat(seq.nextExpected()).isEqualTo(4);
    }

    @Test
    void neverReportsAStallWhenNothingWaits() throws Exception {
        CommitSequencer<String> seq = sequencer(1, 100, 1_000);
        seq.offer(1, "tx-1");
        clock.set(1_000_000);
        seq.checkStall();
        assertThat(gaps).isEmpty();
        assertThat(seq.nextExpected()).isEqualTo(2);
    }

    @Test
    void reportsButDoesNotDeliverALateArrivalOfAnIdAlreadyGivenUp() throws Exception {
        CommitSequencer<String> seq = sequencer(1, 100, 1_000);
        seq.offer(3, "tx-3");
        clock.set(1_000);
        seq.checkStall();
        assertThat(gaps).extracting(Gap::first, Gap::last).containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 2L));

        seq.offer(2, "tx-2");
        seq.offer(1, null);

        assertThat(delivered).containsExactly(new Delivered(3, "tx-3"));
        assertThat(gaps).hasSize(3);
        assertThat(gaps.get(1)).satisfies(g -> {
            assertThat(g.first()).isEqualTo(2);
            assertThat(g.last()).isEqualTo(2);
            assertThat(g.reason()).contains("already given up").doesNotContain("no replicable changes");
        });
        assertThat(gaps.get(2)).satisfies(g -> {
            assertThat(g.first()).isEqualTo(1);
            assertThat(g.reason()).contains("no replicable changes");
        });
        assertThat(seq.nextExpected()).isEqualTo(4);
    }

    private static void awaitBlocked(Future<?> offer, CommitSequencer<String> seq, int pending) throws InterruptedException {
        // The offer cannot complete while the buffer is full; wait until its thread is parked rather than sleep.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !offer.isDone()) {
            Thread.sleep(20);
            if (seq.pending() == pending) {
                break;
            }
        }
        Thread.sleep(150); // longer than the sequencer's 100 ms re-check, so a missing wait loop would show
        assertThat(offer).isNotDone();
        assertThat(seq.pending()).isEqualTo(pending);
    }

    private static void runInThreads(int threads, List<Long> ids, CommitSequencer<String> seq) throws Exception {
        List<List<Long>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        for (int i = 0; i < ids.size(); i++) {
            perThread.get(i % threads).add(ids.get(i));
        }
        runEach(perThread, seq);
    }

    private static void runEach(List<List<Long>> perThread, CommitSequencer<String> seq) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (List<Long> mine : perThread) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    for (long id : mine) {
                        seq.offer(id, payloadOf(id));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "committer-" + threads.size());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(60_000);
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        assertThat(failures).isEmpty();
    }
}
