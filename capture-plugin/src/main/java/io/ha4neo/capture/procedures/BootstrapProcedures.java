package io.ha4neo.capture.procedures;

import io.ha4neo.capture.BootstrapKernelAccess;
import io.ha4neo.capture.CaptureRegistry;
import io.ha4neo.capture.ReplicationMember;
import io.ha4neo.capture.bootstrap.BootstrapProgress;
import io.ha4neo.capture.bootstrap.ChunkReader;
import io.ha4neo.capture.bootstrap.EventPlanner;
import io.ha4neo.capture.bootstrap.PendingBootstrapEvents;
import io.ha4neo.capture.bootstrap.StandbyWatermark;
import io.ha4neo.capture.bootstrap.TransientRetry;
import io.ha4neo.capture.standby.WriteGuard;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.ReservedNames;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Admin;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * The bootstrap procedures (docs/bootstrap.md): {@code ha4neo.bootstrap.begin} and {@code ha4neo.bootstrap.next} on the
 * primary commit a run's events, {@code ha4neo.bootstrap.prepare} and {@code ha4neo.bootstrap.progress} on the standby
 * write and read its watermark.
 *
 * <pre>{@code
 * CALL ha4neo.bootstrap.begin('standby-1', 1000)      // on the primary: run, epoch, commitId, offset, totals
 * CALL ha4neo.bootstrap.prepare($run, $epoch, $offset) // on the standby, before its applier reads on
 * CALL ha4neo.bootstrap.next($run)                     // on the primary, until phase = 'END'
 * CALL ha4neo.bootstrap.progress()                     // on the standby: stage awaiting_begin -> seeding -> following
 * }</pre>
 *
 * <p>Each event is a commit of an inner transaction of its own ({@code db.beginTx()}), whose only write is the run's
 * progress record; its mark and images travel to capture attached to that transaction ({@link PendingBootstrapEvents}).
 * The calling transaction itself writes nothing. The inner transactions run outside the caller's security context
 * ({@link ReplicationMember#graph()}): the procedures are admin-only, and their writes (ha4neo's own records) may need
 * new tokens, which a procedure's own mode does not allow.
 */
public class BootstrapProcedures {
    /** Largest chunk a run accepts: a chunk is read under shared locks held until its commit. */
    static final int MAX_CHUNK_SIZE = ProcedureNames.BOOTSTRAP_MAX_CHUNK_SIZE;

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    /** The row of {@code ha4neo.bootstrap.begin}. */
    public static class BeginRow {
        public String run;
        public long epoch;
        public long commitId;
        public long offset;
        public long totalNodes;
        public long totalRelationships;

        BeginRow(String run, long epoch, long commitId, long offset, StoreContent totals) {
            this.run = run;
            this.epoch = epoch;
            this.commitId = commitId;
            this.offset = offset;
            this.totalNodes = totals.nodes();
            this.totalRelationships = totals.relationships();
        }
    }

    /** The row of {@code ha4neo.bootstrap.next}: the event it committed (or the end, again). */
    public static class NextRow {
        public String run;
        public String phase;
        public long commitId;
        public long nodesSent;
        public long relationshipsSent;
        public long totalNodes;
        public long totalRelationships;

        NextRow(BootstrapProgress p, long commitId) {
            this.run = p.run();
            this.phase = p.phase().name();
            this.commitId = commitId;
            this.nodesSent = p.nodesSent();
            this.relationshipsSent = p.relationshipsSent();
            this.totalNodes = p.totals().nodes();
            this.totalRelationships = p.totals().relationships();
        }
    }

    /** The row of {@code ha4neo.bootstrap.prepare}. */
    public static class StageRow {
        public String run;
        public String stage;

        StageRow(String run, String stage) {
            this.run = run;
            this.stage = stage;
        }
    }

    /** The row of {@code ha4neo.bootstrap.progress}. */
    public static class ProgressRow {
        public String run;
        public String stage;
        public long epoch;
        public long commitId;
        public long applied;

        ProgressRow(StandbyWatermark.Progress p) {
            this.run = p.run();
            this.stage = p.stage();
            this.epoch = p.epoch();
            this.commitId = p.commitId();
            this.applied = p.applied();
        }
    }

    @Admin
    @Procedure(name = ProcedureNames.BOOTSTRAP_BEGIN, mode = Mode.DBMS)
    @Description("On a primary that accepts writes: starts a bootstrap run seeding member `standby` and commits its "
            + "begin event (totals, indexes and constraints). Returns run, epoch, commitId, offset (of the last record "
            + "published before the begin, -1 if none: the standby reads from offset + 1), totalNodes, "
            + "totalRelationships.")
    public Stream<BeginRow> begin(@Name("standby") String standby,
                                  @Name(value = "chunkSize", defaultValue = "1000") long chunkSize) {
        ReplicationMember m = member();
        ReplicationMember.BootstrapSource source = m.bootstrapSource("begin a bootstrap run");
        requireText(standby, "standby", "the member name of the standby to seed");
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be between 1 and " + MAX_CHUNK_SIZE + ", was "
                    + chunkSize + "; nothing was started");
        }
        if (standby.equals(source.member())) {
            throw new IllegalArgumentException("standby '" + standby + "' is this primary itself: a bootstrap run seeds "
                    + "another member; nothing was started");
        }
        String run = UUID.randomUUID().toString();
        BeginRow row = TransientRetry.standard().run("the begin of bootstrap run " + run,
                () -> commitBegin(m.graph(), run, standby, (int) chunkSize, source));
        log.info("ha4neo: bootstrap run %s for standby '%s' began at commit id %d of epoch %d (offset %d): %d nodes, "
                + "%d relationships", run, standby, row.commitId, row.epoch, row.offset, row.totalNodes,
                row.totalRelationships);
        return Stream.of(row);
    }

    @Admin
    @Procedure(name = ProcedureNames.BOOTSTRAP_NEXT, mode = Mode.DBMS)
    @Description("On the primary of a bootstrap run: commits the run's next event (a chunk of node or relationship "
            + "images, or its end). After the end it returns the end's row again and commits nothing. Returns run, "
            + "phase, commitId, nodesSent, relationshipsSent, totalNodes, totalRelationships.")
    public Stream<NextRow> next(@Name("run") String run) {
        requireText(run, "run", "the run id that ha4neo.bootstrap.begin returned");
        ReplicationMember m = member();
        m.bootstrapSource("continue bootstrap run " + run);
        GraphDatabaseService graph = m.graph();
        NextRow row = TransientRetry.standard().run("the next event of bootstrap run " + run,
                () -> commitNext(graph, run));
        if (BootstrapPhase.END.name().equals(row.phase)) {
            recordEnd(graph, row);
        }
        return Stream.of(row);
    }

    @Admin
    @Procedure(name = ProcedureNames.BOOTSTRAP_PREPARE, mode = Mode.DBMS)
    @Description("On the standby to seed: writes its watermark in stage awaiting_begin of bootstrap run `run` (epoch and "
            + "offset from ha4neo.bootstrap.begin), so that its applier passes over the log until the run's begin. "
            + "Refused on a standby that follows the log unless reseed = true. Returns run, stage.")
    public Stream<StageRow> prepare(@Name("run") String run, @Name("epoch") long epoch, @Name("offset") long offset,
                                    @Name(value = "reseed", defaultValue = "false") boolean reseed) {
        requireText(run, "run", "the run id that ha4neo.bootstrap.begin returned on the primary");
        ReplicationMember m = member();
        m.requireStandby("prepare bootstrap run " + run);
        String[] stage = new String[1];
        WriteGuard.internally(() -> { // the standby's guard refuses every write but the applier's and the plugin's own
            try (Transaction inner = m.graph().beginTx()) {
                stage[0] = StandbyWatermark.prepare(inner, db.databaseName(), m.topic(), run, epoch, offset, reseed,
                        System.currentTimeMillis());
                inner.commit();
            }
        });
        log.info("ha4neo: standby database '%s' prepared for bootstrap run %s (epoch %d, reading after offset %d): "
                + "stage %s", db.databaseName(), run, epoch, offset, stage[0]);
        return Stream.of(new StageRow(run, stage[0]));
    }

    @Procedure(name = ProcedureNames.BOOTSTRAP_PROGRESS, mode = Mode.READ)
    @Description("This member's watermark as a bootstrap sees it: run (empty when not being seeded), stage "
            + "(awaiting_begin, seeding, following, or none without a watermark), epoch, commitId, applied (the run's "
            + "entity images applied so far).")
    public Stream<ProgressRow> progress() {
        return Stream.of(new ProgressRow(StandbyWatermark.read(tx, db.databaseName())));
    }

    // ------------------------------------------------------------------------------------------ primary side

    private static BeginRow commitBegin(GraphDatabaseService graph, String run, String standby, int chunkSize,
                                        ReplicationMember.BootstrapSource source) {
        try (Transaction inner = graph.beginTx()) {
            StoreContent totals = BootstrapKernelAccess.storeContent(graph);
            BootstrapProgress p = BootstrapProgress.begun(run, standby, source.member(), source.epoch(), chunkSize,
                    BootstrapKernelAccess.highestNodeId(graph), totals);
            Node record = inner.createNode(Label.label(ReservedNames.BOOTSTRAP_LABEL));
            p.toProperties().forEach(record::setProperty);
            var begin = new PendingBootstrapEvents.Attachment(p.mark(), BootstrapKernelAccess.userSchema(inner),
                    List.of(), List.of());
            return new BeginRow(run, source.epoch(), commit(inner, begin), source.publishedOffset(), totals);
        }
    }

    private static NextRow commitNext(GraphDatabaseService graph, String run) {
        try (Transaction inner = graph.beginTx()) {
            Node record = findRun(inner, run);
            inner.acquireWriteLock(record); // concurrent calls of the same run take turns, each reading the progress
            BootstrapProgress progress = BootstrapProgress.fromProperties(record.getAllProperties());
            if (progress.nextStep() == BootstrapProgress.Step.DONE) {
                return new NextRow(progress, progress.endCommitId()); // nothing to commit: the run has ended
            }
            EventPlanner.Planned planned = EventPlanner.next(progress, source(graph, inner));
            planned.progress().toProperties().forEach(record::setProperty);
            return new NextRow(planned.progress(), commit(inner, planned.attachment()));
        }
    }

    private static EventPlanner.Source source(GraphDatabaseService graph, Transaction inner) {
        return new EventPlanner.Source() {
            @Override
            public long highestNodeId() {
                return BootstrapKernelAccess.highestNodeId(graph);
            }

            @Override
            public long highestRelationshipId() {
                return BootstrapKernelAccess.highestRelationshipId(graph);
            }

            @Override
            public ChunkReader.Chunk<NodeCreated> nodes(long fromId, long maxId, int limit) {
                return ChunkReader.nodes(inner, fromId, maxId, limit);
            }

            @Override
            public ChunkReader.Chunk<RelationshipCreated> relationships(long fromId, long maxId, int limit) {
                return ChunkReader.relationships(inner, fromId, maxId, limit);
            }
        };
    }

    /**
     * Commits {@code inner} with {@code event} attached for capture, and returns the commit id capture reported (-1 if
     * it reported none). The attachment is taken out again whatever happened: capture took it in beforeCommit, or the
     * commit failed before.
     */
    private static long commit(Transaction inner, PendingBootstrapEvents.Attachment event) {
        Object key = BootstrapKernelAccess.transactionKey(inner);
        PendingBootstrapEvents.attach(key, event);
        try {
            inner.commit();
        } finally {
            PendingBootstrapEvents.release(key, event);
        }
        return event.commitId();
    }

    /**
     * The end's commit id is known only after it committed: a small commit of its own records it on the progress
     * record, so that later calls return it. If that fails, they return -1 and the run is complete all the same.
     */
    private void recordEnd(GraphDatabaseService graph, NextRow end) {
        if (end.commitId < 0) {
            return; // capture reported no id (or a later call found none recorded): nothing to record
        }
        try (Transaction inner = graph.beginTx()) {
            Node record = findRun(inner, end.run);
            if (record.getProperty(BootstrapProgress.END_COMMIT_ID, -1L) instanceof Long known && known >= 0) {
                return; // a call after the end: recorded already
            }
            record.setProperty(BootstrapProgress.END_COMMIT_ID, end.commitId);
            inner.commit();
            log.info("ha4neo: bootstrap run %s ended at commit id %d: %d nodes and %d relationships sent (%d and %d "
                    + "at its begin)", end.run, end.commitId, end.nodesSent, end.relationshipsSent, end.totalNodes,
                    end.totalRelationships);
        } catch (RuntimeException e) {
            log.warn("ha4neo: bootstrap run %s ended at commit id %d, but that id could not be recorded (%s); later "
                    + "calls of %s return commit id -1 for its end", end.run, end.commitId, e.getMessage(),
                    ProcedureNames.BOOTSTRAP_NEXT);
        }
    }

    private static Node findRun(Transaction inner, String run) {
        Node record = inner.findNode(Label.label(ReservedNames.BOOTSTRAP_LABEL), BootstrapProgress.RUN, run);
        if (record == null) {
            throw new IllegalArgumentException("no bootstrap run '" + run + "' on this primary: it was begun on "
                    + "another member (the run's progress is not replicated), or never. Start a new run with "
                    + ProcedureNames.BOOTSTRAP_BEGIN);
        }
        return record;
    }

    private static void requireText(String value, String parameter, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(parameter + " must be " + what + ", was '" + value + "'");
        }
    }

    private ReplicationMember member() {
        String name = db.databaseName();
        return CaptureRegistry.member(name).orElseThrow(() -> new IllegalStateException(
                "ha4neo does not replicate database '" + name + "' on this member (see ha4neo.database)"));
    }
}
