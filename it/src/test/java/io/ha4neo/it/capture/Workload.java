package io.ha4neo.it.capture;

import io.ha4neo.it.support.Writers;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * A concurrent write workload on a primary. Every transaction is tagged with transaction metadata {@code w=<tag>}
 * so the test can find its event in the topic. The mix covers what commit ordering must survive: creates with
 * brand-new labels, types and property keys (each causes token transactions), conflicting updates of the same
 * nodes, transactions whose changes cancel out (no commit id), relationship creation and deletes.
 */
public final class Workload {
    /** Metadata key of the tag. */
    public static final String TAG = "w";

    private final Driver driver;
    private final String prefix;
    private final int writers;
    private final int transactionsPerWriter;
    private final long pauseMillis;
    private final Set<String> expectEvent = ConcurrentHashMap.newKeySet();
    private final Set<String> expectNoEvent = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> counterValue = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile boolean retries = true;

    public Workload(Driver driver, int writers, int transactionsPerWriter, long pauseMillis) {
        this(driver, "", writers, transactionsPerWriter, pauseMillis);
    }

    /** A workload whose tags start with {@code prefix}, so several runs can share one database. */
    public Workload(Driver driver, String prefix, int writers, int transactionsPerWriter, long pauseMillis) {
        this.driver = driver;
        this.prefix = prefix;
        this.writers = writers;
        this.transactionsPerWriter = transactionsPerWriter;
        this.pauseMillis = pauseMillis;
    }

    /**
     * Runs each transaction once, without the driver's retries: for a workload whose server is killed, so that
     * {@link #stop()} takes effect at once rather than after the driver's 30 s of retrying a dead server.
     */
    public Workload withoutRetries() {
        retries = false;
        return this;
    }

    /** Creates the counter nodes the conflicting updates fight over. Tagged "setup". */
    public void setup() {
        try (Session s = driver.session()) {
            s.executeWrite(tx -> tx.run("UNWIND range(0, 3) AS i CREATE (:Counter {id: i, v: 0})").consume(),
                    TransactionConfig.builder().withMetadata(Map.of(TAG, "setup")).build());
        }
        expectEvent.add("setup");
    }

    /** Runs all writers to completion (or until {@link #stop()}), returning when every writer has finished. */
    public void run() throws InterruptedException {
        Writers.runAll(writers, "workload-", this::writer);
    }

    public void stop() {
        stop.set(true);
    }

    private void writer(int w) {
        try (Session s = driver.session()) {
            for (int i = 0; i < transactionsPerWriter && !stop.get(); i++) {
                try {
                    one(s, w, i);
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
                pause();
            }
        }
    }

    private void one(Session s, int w, int i) {
        String tag = prefix + w + "-" + i;
        TransactionConfig meta = TransactionConfig.builder().withMetadata(Map.of(TAG, tag)).build();
        switch (i % 5) {
            case 0 -> write(s, meta, "CREATE (n:`L" + w + "_" + i + "`:Item {tag: $tag, `k" + w + "_" + i + "`: $i})",
                    Map.of("tag", tag, "i", i), tag, true);
            case 1 -> write(s, meta, "MATCH (c:Counter {id: $id}) SET c.v = c.v + 1, c.last = $tag",
                    Map.of("id", (w + i) % 4, "tag", tag), tag, true);
            case 2 -> write(s, meta, "CREATE (n:Tmp {tag: $tag}) DELETE n", Map.of("tag", tag), tag, false);
            case 3 -> write(s, meta, "CREATE (a:Item {tag: $tag})-[:`R" + w + "_" + i + "` {tag: $tag}]->(b:Item {tag: $tag + 'b'})",
                    Map.of("tag", tag), tag, true);
            default -> write(s, meta, "MATCH (n:Item {tag: $prev}) DETACH DELETE n",
                    Map.of("prev", prefix + w + "-" + (i - 4)), tag, true);
        }
    }

    private void write(Session s, TransactionConfig meta, String cypher, Map<String, Object> params, String tag,
                       boolean hasEvent) {
        if (retries) {
            s.executeWrite(tx -> tx.run(cypher, params).consume(), meta);
        } else {
            try (org.neo4j.driver.Transaction tx = s.beginTransaction(meta)) {
                tx.run(cypher, params).consume();
                tx.commit();
            }
        }
        (hasEvent ? expectEvent : expectNoEvent).add(tag);
        committed.incrementAndGet();
    }

    private void pause() {
        if (pauseMillis > 0) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            }
        }
    }

    /** Tags of committed transactions that must have exactly one event. */
    public Set<String> expectEvent() {
        return expectEvent;
    }

    /** Tags of committed transactions whose changes cancelled out: no event. */
    public Set<String> expectNoEvent() {
        return expectNoEvent;
    }

    /** Transactions committed so far. */
    public int committed() {
        return committed.get();
    }

    /** Transactions that failed on the client (not committed, or unknown). */
    public int failures() {
        return failures.get();
    }
}
