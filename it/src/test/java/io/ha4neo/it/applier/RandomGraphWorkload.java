package io.ha4neo.it.applier;

import io.ha4neo.it.support.Writers;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Values;

/**
 * A randomized, concurrent write workload on the primary (fixed seed per writer): node creation with every value
 * type and arrays of them, label, property and relationship churn, deletes, detach deletes, mixed transactions,
 * transactions whose changes cancel out. Writers find their targets by the {@code uid} property of nodes and the
 * {@code rid} property of relationships; a target another writer deleted meanwhile makes the statement a no-op.
 *
 * <pre>{@code
 * RandomGraphWorkload load = new RandomGraphWorkload(driver, 42, 4, 150, 0);
 * load.run();                 // blocks until every writer finished
 * }</pre>
 */
final class RandomGraphWorkload {
    static final List<String> LABELS = List.of("Person", "Item", "Ünïcödé", "with space", "tick`label", "Tag");
    static final List<String> TYPES = List.of("KNOWS", "OWNS", "LINKS TO", "Ρεлация", "REL`TYPE");
    static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC",
            "Australia/Lord_Howe", "Pacific/Chatham");
    static final List<String> STRINGS = List.of("", "plain", "héllo wörld", "日本語のテキスト", "emoji 😀 and 𝔘𝔫𝔦",
            "combining é", "nul \u0000 inside", "rtl שלום", "quote \" backslash \\ newline \n tab \t");

    private final Driver driver;
    private final long seed;
    private final int writers;
    private final int transactionsPerWriter;
    private final long pauseMillis;
    private final List<String> nodeUids;
    private final List<String> relIds;
    /** Starts every uid and rid of this workload: a workload that goes on after another needs names of its own. */
    private final String namePrefix;
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile RuntimeException firstFailure;

    RandomGraphWorkload(Driver driver, long seed, int writers, int transactionsPerWriter, long pauseMillis) {
        this(driver, seed, writers, transactionsPerWriter, pauseMillis, "", new CopyOnWriteArrayList<>(),
                new CopyOnWriteArrayList<>());
    }

    private RandomGraphWorkload(Driver driver, long seed, int writers, int transactionsPerWriter, long pauseMillis,
                                String namePrefix, List<String> nodeUids, List<String> relIds) {
        this.driver = driver;
        this.seed = seed;
        this.writers = writers;
        this.transactionsPerWriter = transactionsPerWriter;
        this.pauseMillis = pauseMillis;
        this.namePrefix = namePrefix;
        this.nodeUids = nodeUids;
        this.relIds = relIds;
    }

    /**
     * A workload that goes on with this one's graph: it changes, relates and deletes the nodes and relationships this
     * one created (and those it creates itself), under names of its own.
     */
    RandomGraphWorkload continued(Driver nextDriver, long nextSeed, int nextTransactionsPerWriter) {
        return new RandomGraphWorkload(nextDriver, nextSeed, writers, nextTransactionsPerWriter, pauseMillis,
                "s" + nextSeed + "-", nodeUids, relIds);
    }

    /** Runs every writer to completion (or {@link #stop()}). */
    void run() throws InterruptedException {
        Writers.runAll(writers, "graph-writer-", this::writer);
    }

    /** {@link #run()} in a background thread. */
    Thread startInBackground() {
        Thread t = new Thread(() -> {
            try {
                run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "graph-workload");
        t.start();
        return t;
    }

    void stop() {
        stop.set(true);
    }

    int committed() {
        return committed.get();
    }

    int failures() {
        return failures.get();
    }

    RuntimeException firstFailure() {
        return firstFailure;
    }

    private void writer(int w) {
        Random random = new Random(seed * 1_000 + w);
        try (Session s = driver.session()) {
            for (int i = 0; i < transactionsPerWriter && !stop.get(); i++) {
                String prefix = namePrefix + "w" + w + "-" + i;
                try {
                    s.executeWriteWithoutResult(tx -> one(tx, random, prefix));
                    committed.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    if (firstFailure == null) {
                        firstFailure = e;
                    }
                }
                pause();
            }
        }
    }

    private void one(TransactionContext tx, Random r, String prefix) {
        int op = nodeUids.size() < 10 ? 0 : r.nextInt(12);
        switch (op) {
            case 0, 1 -> createNodes(tx, r, prefix, 1 + r.nextInt(3));
            case 2 -> setProperties(tx, r);
            case 3 -> changeLabels(tx, r);
            case 4, 5 -> createRelationship(tx, r, prefix);
            case 6 -> changeRelationshipProperties(tx, r);
            case 7 -> deleteRelationship(tx, r);
            case 8 -> detachDelete(tx, r);
            case 9 -> mixed(tx, r, prefix);
            case 10 -> tx.run("CREATE (n:Tmp {x: 1}) DELETE n").consume(); // cancels out: no event
            default -> setThenRemoveAndOverwrite(tx, r);
        }
    }

    private void createNodes(TransactionContext tx, Random r, String prefix, int count) {
        for (int k = 0; k < count; k++) {
            String uid = prefix + "-n" + k;
            Map<String, Object> props = properties(r, 6);
            props.put("uid", uid);
            tx.run("CREATE (n:W" + labels(r) + ") SET n = $props", Map.of("props", props)).consume();
            nodeUids.add(uid);
        }
    }

    private void setProperties(TransactionContext tx, Random r) {
        Map<String, Object> props = properties(r, 3);
        tx.run("MATCH (n:W {uid: $uid}) SET n += $props REMOVE n.`" + propertyKey(r) + "`",
                Map.of("uid", pick(r, nodeUids), "props", props)).consume();
    }

    private void changeLabels(TransactionContext tx, Random r) {
        tx.run("MATCH (n:W {uid: $uid}) SET n:" + quote(pick(r, LABELS)) + " REMOVE n:" + quote(pick(r, LABELS)),
                Map.of("uid", pick(r, nodeUids))).consume();
    }

    private void createRelationship(TransactionContext tx, Random r, String prefix) {
        String rid = prefix + "-r";
        Map<String, Object> props = properties(r, 4);
        props.put("rid", rid);
        String a = pick(r, nodeUids);
        long created = tx.run("MATCH (a:W {uid: $a}), (b:W {uid: $b}) CREATE (a)-[x:" + quote(pick(r, TYPES))
                        + "]->(b) SET x = $props RETURN count(x) AS c",
                Map.of("a", a, "b", pick(r, nodeUids), "props", props)).single().get("c").asLong();
        if (created > 0) {
            relIds.add(a + "|" + rid);
        }
    }

    private void changeRelationshipProperties(TransactionContext tx, Random r) {
        if (relIds.isEmpty()) {
            return;
        }
        String[] rel = pick(r, relIds).split("\\|");
        tx.run("MATCH (:W {uid: $a})-[x {rid: $rid}]->() SET x += $props REMOVE x.`" + propertyKey(r) + "`",
                Map.of("a", rel[0], "rid", rel[1], "props", properties(r, 3))).consume();
    }

    private void deleteRelationship(TransactionContext tx, Random r) {
        if (relIds.isEmpty()) {
            return;
        }
        String picked = pick(r, relIds);
        String[] rel = picked.split("\\|");
        tx.run("MATCH (:W {uid: $a})-[x {rid: $rid}]->() DELETE x", Map.of("a", rel[0], "rid", rel[1])).consume();
        relIds.remove(picked);
    }

    private void detachDelete(TransactionContext tx, Random r) {
        String uid = pick(r, nodeUids);
        tx.run("MATCH (n:W {uid: $uid}) DETACH DELETE n", Map.of("uid", uid)).consume();
        nodeUids.remove(uid);
    }

    /** Several kinds of change in one transaction, including a node created and related in the same one. */
    private void mixed(TransactionContext tx, Random r, String prefix) {
        createNodes(tx, r, prefix + "m", 1);
        String fresh = prefix + "m-n0";
        Map<String, Object> props = properties(r, 2);
        props.put("rid", prefix + "-mr");
        tx.run("MATCH (a:W {uid: $a}), (b:W {uid: $b}) CREATE (a)-[x:" + quote(pick(r, TYPES)) + "]->(b) SET x = $props",
                Map.of("a", fresh, "b", pick(r, nodeUids), "props", props)).consume();
        relIds.add(fresh + "|" + prefix + "-mr");
        setProperties(tx, r);
        changeLabels(tx, r);
    }

    /** A property set and removed, and another overwritten twice, in one transaction. */
    private void setThenRemoveAndOverwrite(TransactionContext tx, Random r) {
        tx.run("MATCH (n:W {uid: $uid}) SET n.transient = 1, n.twice = $a REMOVE n.transient SET n.twice = $b",
                Map.of("uid", pick(r, nodeUids), "a", value(r), "b", value(r))).consume();
    }

    // ---------------------------------------------------------------------------------------- values

    static Map<String, Object> properties(Random r, int max) {
        Map<String, Object> props = new LinkedHashMap<>();
        int n = 1 + r.nextInt(max);
        for (int i = 0; i < n; i++) {
            props.put(propertyKey(r), value(r));
        }
        return props;
    }

    static String propertyKey(Random r) {
        return List.of("a", "b", "name", "größe", "key with space", "v", "twice", "p" + r.nextInt(6)).get(r.nextInt(8));
    }

    /** A random value of a random type, arrays included. */
    static Object value(Random r) {
        int type = r.nextInt(17);
        if (type < 14) {
            return scalar(r, type);
        }
        int elementType = r.nextInt(13); // every scalar type except bytes (Neo4j has no array of byte arrays)
        int t = elementType >= 4 ? elementType + 1 : elementType;
        int n = 1 + r.nextInt(4);
        List<Object> list = new ArrayList<>();
        if (t == 12) { // one CRS per point array
            int crs = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                list.add(point(r, crs));
            }
            return list;
        }
        for (int i = 0; i < n; i++) {
            list.add(scalar(r, t));
        }
        return list;
    }

    static Object scalar(Random r, int type) {
        return switch (type) {
            case 0 -> r.nextBoolean();
            case 1 -> oneOf(r, () -> Long.MIN_VALUE, () -> Long.MAX_VALUE, () -> 0L, () -> -1L, r::nextLong);
            case 2 -> oneOf(r, () -> Double.NaN, () -> Double.POSITIVE_INFINITY, () -> Double.NEGATIVE_INFINITY,
                    () -> -0.0, () -> Double.MIN_VALUE, () -> Double.MAX_VALUE, () -> r.nextGaussian() * 1e6);
            case 3 -> pick(r, STRINGS) + r.nextInt(100);
            case 4 -> bytes(r);
            case 5 -> oneOf(r, () -> LocalDate.of(1, 1, 1), () -> LocalDate.of(9999, 12, 31),
                    () -> LocalDate.ofEpochDay(r.nextInt(200_000) - 100_000));
            case 6 -> OffsetTime.of(localTime(r), offset(r));
            case 7 -> localTime(r);
            case 8 -> ZonedDateTime.of(localDateTime(r), ZoneId.of(pick(r, ZONES)));
            case 9 -> ZonedDateTime.of(localDateTime(r), offset(r));
            case 10 -> localDateTime(r);
            case 11 -> Values.isoDuration(r.nextInt(2000) - 1000, r.nextInt(2000) - 1000,
                    r.nextLong() % 10_000_000_000L, r.nextInt(1_000_000_000));
            case 12 -> point(r, r.nextInt(4));
            default -> pick(r, STRINGS);
        };
    }

    private static byte[] bytes(Random r) {
        byte[] b = new byte[r.nextInt(17)];
        r.nextBytes(b);
        return b;
    }

    private static LocalTime localTime(Random r) {
        return LocalTime.ofNanoOfDay(Math.floorMod(r.nextLong(), 86_400_000_000_000L));
    }

    private static LocalDateTime localDateTime(Random r) {
        return LocalDateTime.of(LocalDate.ofEpochDay(r.nextInt(40_000) - 10_000), localTime(r));
    }

    private static ZoneOffset offset(Random r) {
        return ZoneOffset.ofTotalSeconds((r.nextInt(18 * 4 * 2 + 1) - 18 * 4) * 15 * 60);
    }

    /** A point in CRS 0 cartesian, 1 cartesian-3d, 2 wgs-84, 3 wgs-84-3d. */
    static Object point(Random r, int crs) {
        double x = r.nextDouble() * 360 - 180;
        double y = r.nextDouble() * 180 - 90;
        double z = r.nextGaussian() * 1000;
        return switch (crs) {
            case 0 -> Values.point(7203, x * 1000, y * 1000);
            case 1 -> Values.point(9157, x, y, z);
            case 2 -> Values.point(4326, x, y);
            default -> Values.point(4979, x, y, z);
        };
    }

    @SafeVarargs
    private static <T> T oneOf(Random r, Supplier<T>... choices) {
        return choices[r.nextInt(choices.length)].get();
    }

    /** A random element; safe while other writers add and remove (copy-on-write lists). */
    @SuppressWarnings("unchecked")
    static <T> T pick(Random r, List<T> list) {
        Object[] snapshot = list.toArray();
        return (T) snapshot[r.nextInt(snapshot.length)];
    }

    static String labels(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            b.append(':').append(quote(pick(r, LABELS)));
        }
        return b.toString();
    }

    /** A back-quoted Cypher name; a back-quote inside is doubled. */
    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
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
}
