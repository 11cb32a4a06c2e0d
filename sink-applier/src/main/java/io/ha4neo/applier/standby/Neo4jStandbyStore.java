package io.ha4neo.applier.standby;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.plan.PlannedStatement;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.topology.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.async.AsyncSession;
import org.neo4j.driver.async.AsyncTransaction;
import org.neo4j.driver.async.ResultCursor;
import org.neo4j.driver.exceptions.ClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StandbyStore} over the Neo4j Java driver. Uses explicit transactions, never the driver's retrying
 * transaction functions: when a commit's outcome is unknown, the applier re-reads the watermark and
 * re-positions instead, which is what makes a retry exactly-once.
 */
public final class Neo4jStandbyStore implements StandbyStore {
    private static final String WM_PATTERN = WatermarkNode.matchPattern("w", "db");
    /**
     * In one statement: takes the watermark node's write lock (MERGE + SET), reads the epoch and commit id it held,
     * and moves it to {@code $p}; {@link #checkWatermark} compares what it held with what the applier expected.
     */
    private static final String MOVE_WATERMARK = "MERGE " + WM_PATTERN + " SET w." + WatermarkNode.APPLIED_AT_MILLIS
            + " = $now WITH w, w." + WatermarkNode.EPOCH + " AS e, w." + WatermarkNode.COMMIT_ID + " AS c, w."
            + WatermarkNode.BOOTSTRAP_RUN + " AS run, w." + WatermarkNode.BOOTSTRAP_STAGE + " AS stage SET w += $p "
            + "RETURN e, c, run, stage";
    private static final TransactionConfig TAGGED = TransactionConfig.builder()
            .withMetadata(Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build();

    private static final String NOT_BOOKKEEPING = ReservedNames.BOOKKEEPING_LABELS.stream()
            .map(l -> "NOT n:" + l).collect(java.util.stream.Collectors.joining(" AND "));

    private static final Logger log = LoggerFactory.getLogger(Neo4jStandbyStore.class);
    private static final String PROCEDURE_NOT_FOUND = "Neo.ClientError.Procedure.ProcedureNotFound";

    private final Driver driver;
    private final String uri;
    private final String database;
    private final int schemaAwaitSeconds;
    private boolean warnedNoRoleProcedure; // logged once per run

    /** A standby whose address is not known (tests): messages name its database only. */
    public Neo4jStandbyStore(Driver driver, String database, int schemaAwaitSeconds) {
        this(driver, "", database, schemaAwaitSeconds);
    }

    /** The standby at {@code uri} (for messages; {@code driver} connects to it). */
    public Neo4jStandbyStore(Driver driver, String uri, String database, int schemaAwaitSeconds) {
        this.driver = driver;
        this.uri = uri;
        this.database = database;
        this.schemaAwaitSeconds = schemaAwaitSeconds;
    }

    @Override
    public String name() {
        return "database '" + database + "'" + (uri.isEmpty() ? "" : " at " + uri);
    }

    @Override
    public void ensureReservedSchema() {
        runSchemaStatement("CREATE CONSTRAINT " + ReservedNames.NODE_ID_CONSTRAINT + " IF NOT EXISTS FOR (n:"
                + ReservedNames.NODE_LABEL + ") REQUIRE n." + ReservedNames.ID_PROPERTY + " IS UNIQUE");
        runSchemaStatement("CREATE CONSTRAINT " + ReservedNames.WATERMARK_CONSTRAINT + " IF NOT EXISTS FOR (w:"
                + WatermarkNode.LABEL + ") REQUIRE w." + WatermarkNode.DATABASE + " IS UNIQUE");
        awaitIndexes(schemaAwaitSeconds);
    }

    /**
     * Counts from the counts store ({@code count(n)} without a predicate, and per label) and the schema listings, so
     * the cost does not grow with the standby. Nodes of the applier's own labels are subtracted: a node has at most
     * one of them.
     */
    @Override
    public StoreContent userContent() {
        try (Session s = session()) {
            long nodes = count(s, "MATCH (n) RETURN count(n) AS c")
                    - count(s, "MATCH (n:" + ReservedNames.WATERMARK_LABEL + ") RETURN count(n) AS c")
                    - count(s, "MATCH (n:" + ReservedNames.SKIP_LABEL + ") RETURN count(n) AS c");
            long relationships = count(s, "MATCH ()-[r]->() RETURN count(r) AS c");
            long indexes = count(s, "SHOW INDEXES YIELD name, type, owningConstraint WHERE type <> 'LOOKUP' AND "
                    + "owningConstraint IS NULL AND NOT name STARTS WITH $reserved RETURN count(*) AS c");
            long constraints = count(s, "SHOW CONSTRAINTS YIELD name WHERE NOT name STARTS WITH $reserved "
                    + "RETURN count(*) AS c");
            return new StoreContent(Math.max(0, nodes), relationships, indexes, constraints);
        }
    }

    private static long count(Session s, String cypher) {
        return s.run(cypher, Map.of("reserved", ReservedNames.PREFIX)).single().get("c").asLong();
    }

    @Override
    public Optional<Watermark> readWatermark() {
        try (Session s = session(); Transaction tx = s.beginTransaction(TAGGED)) {
            List<Record> rows = tx.run("MATCH " + WM_PATTERN + " RETURN properties(w) AS p",
                    Map.of("db", database)).list();
            return rows.stream().findFirst()
                    .filter(r -> r.get("p").asMap().containsKey(WatermarkNode.COMMIT_ID))
                    .map(r -> Watermark.fromProperties(database, r.get("p").asMap()));
        }
    }

    @Override
    public Optional<BootstrapStage> readBootstrapStage() {
        try (Session s = session(); Transaction tx = s.beginTransaction(TAGGED)) {
            return tx.run("MATCH " + WM_PATTERN + " RETURN w." + WatermarkNode.BOOTSTRAP_RUN + " AS run, w."
                    + WatermarkNode.BOOTSTRAP_STAGE + " AS stage", Map.of("db", database)).list().stream()
                    .filter(r -> !r.get("run").isNull()).findFirst()
                    .map(r -> new BootstrapStage(r.get("run").asString(),
                            BootstrapStage.Stage.of(r.get("stage").isNull() ? null : r.get("stage").asString())));
        }
    }

    /**
     * One standby transaction, pipelined: the watermark move, every statement and every skip record are sent at once
     * (Bolt keeps them in order within the transaction), and only then are their answers checked, in order; the
     * commit follows when all of them passed. Two round trips to the standby whatever the number of statements,
     * instead of one per statement. Any failed check or statement rolls the whole transaction back.
     */
    @Override
    public void writeBatch(Optional<ChainPosition> expected, Optional<BootstrapStage> expectedBootstrap,
                           List<PlannedStatement> statements, Watermark next, List<SkippedCommit> skips) {
        AsyncSession s = driver.session(AsyncSession.class, SessionConfig.forDatabase(database));
        try {
            AsyncTransaction tx = await(s.beginTransactionAsync(TAGGED));
            boolean committed = false;
            try {
                CompletableFuture<Record> watermark = single(tx.runAsync(MOVE_WATERMARK,
                        Map.of("db", database, "now", next.appliedAtMillis(), "p", next.toProperties())));
                List<CompletableFuture<Record>> applied = new ArrayList<>(statements.size());
                statements.forEach(st -> applied.add(single(tx.runAsync(st.cypher(), st.parameters()))));
                List<CompletableFuture<?>> skipped = new ArrayList<>(skips.size());
                skips.forEach(skip -> skipped.add(tx.runAsync("CREATE (:" + ReservedNames.SKIP_LABEL + " {commitId: "
                        + "$c, skippedAtMillis: $t, reason: $r})", Map.of("c", skip.commitId(), "t",
                        skip.skippedAtMillis(), "r", skip.reason())).thenCompose(ResultCursor::consumeAsync)
                        .toCompletableFuture()));
                checkWatermark(await(watermark), expected, expectedBootstrap, next);
                for (int i = 0; i < statements.size(); i++) {
                    check(await(applied.get(i)), statements.get(i));
                }
                skipped.forEach(Neo4jStandbyStore::await);
                await(tx.commitAsync());
                committed = true;
            } finally {
                if (!committed) {
                    awaitQuietly(tx.rollbackAsync());
                }
            }
        } finally {
            awaitQuietly(s.closeAsync());
        }
    }

    private static CompletableFuture<Record> single(CompletionStage<ResultCursor> cursor) {
        return cursor.thenCompose(ResultCursor::singleAsync).toCompletableFuture();
    }

    /**
     * Waits for a stage of the async driver and throws what failed it as the driver's own exception (a
     * {@code Neo4jException}, a {@code ServiceUnavailableException}, ...), as the synchronous API would, so that the
     * applier classifies it the same way.
     */
    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.neo4j.driver.exceptions.ServiceUnavailableException("interrupted while waiting for the "
                    + "standby", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Waits (at most 30 s) for a rollback or a session close, ignoring how it ends: the transaction failed already, and
     * the server rolls it back when the connection or session closes anyway.
     */
    private static void awaitQuietly(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception | Error e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Checks what {@link #MOVE_WATERMARK} found: it took the watermark node's write lock, read the epoch and commit
     * id it held, and moved it to {@code next}. Once the lock is held no other writer can move it until this
     * transaction ends, so the comparison cannot race; when it fails, the transaction is rolled back with the move.
     * Both are compared: commit ids of different epochs come from different stores, so an equal commit id alone
     * proves nothing. The bootstrap run and stage are compared too: {@code ha4neo.bootstrap.prepare} may have
     * rewritten the watermark under this applier ({@link WatermarkPreparedException}: re-position, not a
     * divergence).
     */
    private void checkWatermark(Record r, Optional<ChainPosition> expected,
                                Optional<BootstrapStage> expectedBootstrap, Watermark next) {
        Optional<ChainPosition> found = r.get("c").isNull() ? Optional.empty()
                : Optional.of(new ChainPosition(r.get("e").isNull() ? 0 : r.get("e").asLong(), r.get("c").asLong()));
        Optional<BootstrapStage> foundBootstrap = r.get("run").isNull() ? Optional.empty()
                : Optional.of(new BootstrapStage(r.get("run").asString(),
                        BootstrapStage.Stage.of(r.get("stage").isNull() ? null : r.get("stage").asString())));
        if (found.equals(expected) && foundBootstrap.equals(expectedBootstrap)) {
            return;
        }
        String names = found.map(Object::toString).orElse("nothing") + foundBootstrap.map(b -> ", " + b).orElse("");
        String expectedNames = expected.map(Object::toString).orElse("no watermark")
                + expectedBootstrap.map(b -> ", " + b).orElse("");
        if (foundBootstrap.filter(BootstrapStage::isAwaitingBegin).isPresent()
                && !foundBootstrap.equals(expectedBootstrap)) {
            throw new WatermarkPreparedException(foundBootstrap.get(), "the watermark of database " + database
                    + " was prepared for " + foundBootstrap.get() + " (it names " + names + ", this applier expected "
                    + expectedNames + "): rolled back; re-reading the watermark and re-positioning from it");
        }
        throw new FatalApplierException("divergence", "the watermark of database " + database + " names " + names
                + " but this applier expected " + expectedNames + " before applying up to " + next
                + ": another applier is writing to this standby, either one of another consumer group (the appliers "
                + "of one standby must share member.name and kafka.group.id), or one of this group that got the "
                + "partition while this one stalled. Rolled back; applier stopped. Restart it: it positions from the "
                + "watermark, and applies only if its group gives the partition to it.");
    }

    private void check(Record r, PlannedStatement st) {
        long applied = r.get("applied").asLong();
        if (!st.accepts(applied)) {
            throw new FatalApplierException("divergence", "standby diverged: " + st.describe() + " matched "
                    + applied + " of " + (st.atMost() ? "at most " : "") + st.expectedCount()
                    + " target entities in database " + database
                    + ". Rolled back; applier stopped. Re-bootstrap the standby.");
        }
    }

    /** Relationships first, so that no node delete has to detach thousands of them in one transaction. */
    @Override
    public long deleteUserEntities(int batchSize) {
        long relationships = deleteBatch("MATCH ()-[r]->() WITH r LIMIT $n DELETE r RETURN count(*) AS c", batchSize);
        if (relationships > 0) {
            return relationships;
        }
        return deleteBatch("MATCH (n) WHERE " + NOT_BOOKKEEPING + " WITH n LIMIT $n DETACH DELETE n "
                + "RETURN count(*) AS c", batchSize);
    }

    private long deleteBatch(String cypher, int batchSize) {
        try (Session s = session(); Transaction tx = s.beginTransaction(TAGGED)) {
            long deleted = tx.run(cypher, Map.of("n", (long) batchSize)).single().get("c").asLong();
            tx.commit();
            return deleted;
        }
    }

    @Override
    public List<String> dropUserSchema() {
        List<String> dropped = new ArrayList<>();
        for (String name : userSchemaNames("SHOW CONSTRAINTS YIELD name")) {
            runSchemaStatement("DROP CONSTRAINT " + quoted(name) + " IF EXISTS");
            dropped.add(name);
        }
        // after the constraints: an index that backed one is gone with it
        for (String name : userSchemaNames("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")) {
            runSchemaStatement("DROP INDEX " + quoted(name) + " IF EXISTS");
            dropped.add(name);
        }
        return dropped;
    }

    private List<String> userSchemaNames(String show) {
        try (Session s = session()) {
            return s.run(show + " RETURN name").list().stream().map(r -> r.get("name").asString())
                    .filter(name -> !ReservedNames.isReserved(name)).toList();
        }
    }

    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public boolean schemaObjectExists(String name) {
        try (Session s = session()) {
            return s.run("SHOW INDEXES YIELD name WHERE name = $n RETURN name", Map.of("n", name)).hasNext()
                    || s.run("SHOW CONSTRAINTS YIELD name WHERE name = $n RETURN name", Map.of("n", name)).hasNext();
        }
    }

    @Override
    public void runSchemaStatement(String statement) {
        try (Session s = session(); Transaction tx = s.beginTransaction(TAGGED)) {
            tx.run(statement).consume();
            tx.commit();
        }
    }

    @Override
    public void awaitIndexes(int seconds) {
        try (Session s = session(); Transaction tx = s.beginTransaction(TAGGED)) {
            tx.run("CALL db.awaitIndexes($s)", Map.of("s", (long) seconds)).consume();
            tx.commit();
        }
    }

    @Override
    public void ping() {
        try (Session s = session()) {
            s.run("RETURN 1").consume();
        }
    }

    @Override
    public Role memberRole() {
        try (Session s = session()) {
            return Role.parse(s.run(ProcedureNames.call(ProcedureNames.ROLE)).single().get(ProcedureNames.ROLE_COLUMN)
                    .asString());
        } catch (ClientException e) {
            if (!PROCEDURE_NOT_FOUND.equals(e.code())) {
                throw e;
            }
            if (!warnedNoRoleProcedure) {
                warnedNoRoleProcedure = true;
                log.warn("database {} has no procedure {}() (an ha4neo plugin older than moving roles): taking the "
                        + "member for a standby, as it always is with that plugin; upgrade the plugin so that the "
                        + "applier pauses while its member is the primary", database, ProcedureNames.ROLE);
            }
            return Role.STANDBY;
        }
    }

    private Session session() {
        return driver.session(SessionConfig.forDatabase(database));
    }
}
