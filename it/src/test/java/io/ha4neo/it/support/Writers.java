package io.ha4neo.it.support;

import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/** Runs concurrent client writers for the workloads of the integration tests. */
public final class Writers {
    private Writers() {
    }

    /** Runs {@code writer.accept(i)} for i in 0..count-1, each on its own thread, and waits until all have finished. */
    public static void runAll(int count, String threadPrefix, IntConsumer writer) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(count);
        for (int w = 0; w < count; w++) {
            int index = w;
            Thread t = new Thread(() -> {
                try {
                    writer.accept(index);
                } finally {
                    done.countDown();
                }
            }, threadPrefix + w);
            t.start();
        }
        done.await();
    }
}
