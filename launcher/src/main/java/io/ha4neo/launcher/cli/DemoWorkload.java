package io.ha4neo.launcher.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * The local stack's demo writes.
 * <ul>
 *   <li>{@link #seed}: a small, recognisable graph written to the primary by {@code up}: a few people, movies and
 *       relationships in separate transactions, so the standby shows several replicated commits arriving.</li>
 *   <li>{@link Writer}: one small transaction after another for as long as it runs, to whichever member accepts
 *       writes now ({@code ./stack switchover} runs it across two switchovers). When a write is refused (the primary
 *       is frozen, or has become a standby) it backs off and finds the current primary again; the driver's own
 *       retries would only try the same member again.</li>
 * </ul>
 */
final class DemoWorkload {
    private static final List<String> TRANSACTIONS = List.of(
            "MERGE (m:Movie {title: 'The Matrix'}) SET m.released = 1999, m.tagline = 'Welcome to the Real World'",
            "MERGE (p:Person {name: 'Keanu Reeves'}) SET p.born = 1964",
            "MERGE (p:Person {name: 'Carrie-Anne Moss'}) SET p.born = 1967",
            "MERGE (p:Person {name: 'Lana Wachowski'}) SET p.born = 1965",
            "MATCH (p:Person {name: 'Keanu Reeves'}), (m:Movie {title: 'The Matrix'}) "
                    + "MERGE (p)-[r:ACTED_IN]->(m) SET r.roles = ['Neo']",
            "MATCH (p:Person {name: 'Carrie-Anne Moss'}), (m:Movie {title: 'The Matrix'}) "
                    + "MERGE (p)-[r:ACTED_IN]->(m) SET r.roles = ['Trinity']",
            "MATCH (p:Person {name: 'Lana Wachowski'}), (m:Movie {title: 'The Matrix'}) MERGE (p)-[:DIRECTED]->(m)");

    /**
     * One write of the {@link Writer}: idempotent (MERGE on run and sequence number), so retrying a write whose
     * outcome is unknown (the connection broke after the commit) never writes it twice.
     */
    static final String WRITE = "MERGE (w:DemoWrite {run: $run, seq: $seq}) SET w.at = timestamp()";
    /** How many writes of one run a member has. */
    static final String COUNT = "MATCH (w:DemoWrite {run: $run}) RETURN count(w) AS n";

    private DemoWorkload() {
    }

    /** Runs the demo transactions on the primary, one transaction each; returns how many ran. */
    static int seed(Driver primary) {
        try (Session session = primary.session()) {
            for (String statement : TRANSACTIONS) {
                session.executeWrite(tx -> tx.run(statement).consume());
            }
        }
        return TRANSACTIONS.size();
    }

    /** Where the {@link Writer} writes: the seam a unit test replaces with a simulated switchover. */
    interface Target {
        /** The member that accepts writes now, if any (none while a switchover has the primary frozen). */
        Optional<String> writablePrimary();

        /** Commits write {@code seq} on {@code member}; throws when the member refuses it or cannot be reached. */
        void write(String member, long seq);
    }

    /** Waits between writes and retries; a unit test's does not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * What a {@link Writer} achieved.
     *
     * @param acknowledged writes committed (each exactly once, whatever the retries)
     * @param refused attempts that failed and were retried
     * @param primaryChanges how often the writer moved to another member
     * @param longestWaitMillis the longest time one write took, retries included: what a client saw of a switchover
     * @param primary the member it wrote to last
     */
    record Stats(long acknowledged, long refused, int primaryChanges, long longestWaitMillis, String primary) {
    }

    /**
     * Writes {@link #WRITE} with increasing sequence numbers until {@link #stop()}, following the primary role. One
     * thread owns every field but {@code stopped}; {@link #stats()} may be read from any thread.
     */
    static final class Writer {
        static final Duration FIRST_BACKOFF = Duration.ofMillis(25);
        static final Duration MAX_BACKOFF = Duration.ofMillis(800);

        private final Target target;
        private final Clock clock;
        private final Sleeper sleeper;
        private final Duration pace;
        private volatile boolean stopped;
        private volatile Stats stats = new Stats(0, 0, 0, 0, null);
        private Thread thread;

        /** @param pace the pause after each acknowledged write */
        Writer(Target target, Clock clock, Sleeper sleeper, Duration pace) {
            this.target = target;
            this.clock = clock;
            this.sleeper = sleeper;
            this.pace = pace;
        }

        /** Starts writing on a daemon thread. */
        void start() {
            thread = new Thread(this::run, "ha4neo-demo-writer");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stops after the write in progress (an unacknowledged one is abandoned) and waits for the thread. */
        Stats stop() throws InterruptedException {
            stopped = true;
            thread.interrupt();
            thread.join(10_000);
            return stats;
        }

        Stats stats() {
            return stats;
        }

        /** The loop: write, pause, next sequence number; until stopped or interrupted. */
        void run() {
            try {
                for (long seq = 1; !stopped; seq++) {
                    write(seq);
                    sleeper.sleep(pace);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop() asked for it
            }
        }

        /** One write, retried with back-off on whichever member accepts writes, until it is acknowledged. */
        void write(long seq) throws InterruptedException {
            long start = clock.millis();
            Duration backoff = FIRST_BACKOFF;
            String member = stats.primary() != null ? stats.primary() : target.writablePrimary().orElse(null);
            while (!stopped) {
                if (member != null && attempt(member, seq)) {
                    record(s -> new Stats(s.acknowledged() + 1, s.refused(), s.primaryChanges(),
                            Math.max(s.longestWaitMillis(), clock.millis() - start), s.primary()));
                    return;
                }
                sleeper.sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                member = target.writablePrimary().orElse(member);
            }
        }

        private boolean attempt(String member, long seq) {
            if (!member.equals(stats.primary())) {
                String previous = stats.primary();
                record(s -> new Stats(s.acknowledged(), s.refused(), s.primaryChanges() + (previous == null ? 0 : 1),
                        s.longestWaitMillis(), member));
            }
            try {
                target.write(member, seq);
                return true;
            } catch (RuntimeException e) {
                record(s -> new Stats(s.acknowledged(), s.refused() + 1, s.primaryChanges(), s.longestWaitMillis(),
                        s.primary()));
                return false;
            }
        }

        private void record(java.util.function.UnaryOperator<Stats> change) {
            stats = change.apply(stats);
        }
    }
}
