package io.ha4neo.applier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a stop request instead of the JVM's default shutdown, so the loop can
 * finish the standby transaction in progress and the process exits 0 on its own.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    log.info("SIG{} received: finishing the current batch, then stopping", name);
                    stop.run();
                });
            } catch (IllegalArgumentException e) {
                log.warn("cannot handle SIG{} on this platform ({}); it will stop the JVM directly", name, e.getMessage());
            }
        }
    }
}
