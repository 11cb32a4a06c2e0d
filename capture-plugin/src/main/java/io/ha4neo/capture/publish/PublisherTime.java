package io.ha4neo.capture.publish;

/**
 * The publisher's clock and sleeper, injected so that unit tests drive back-off, lingering and the
 * open-transaction wait without waiting. Production uses {@link #SYSTEM}.
 *
 * <p>Unlike Kafka's {@code Time.sleep}, {@link #sleep} throws {@link InterruptedException}: an interrupt is how
 * {@code CaptureService.stop()} ends the publisher thread while it backs off.
 */
public interface PublisherTime {
    /** Wall-clock time in milliseconds, for deadlines. */
    long millis();

    /** A monotonic time in nanoseconds, for waits measured by other threads (semi-sync). */
    long nanos();

    /** Sleeps the calling thread. */
    void sleep(long millis) throws InterruptedException;

    /** The system clock and {@link Thread#sleep}. */
    PublisherTime SYSTEM = new PublisherTime() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    };
}
