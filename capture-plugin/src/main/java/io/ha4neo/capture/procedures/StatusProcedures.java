package io.ha4neo.capture.procedures;

import io.ha4neo.capture.CaptureRegistry;
import io.ha4neo.capture.ReplicationMember;
import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.topology.Role;
import java.util.List;
import java.util.stream.Stream;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Admin;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * The plugin's procedures: {@code ha4neo.status()}, {@code ha4neo.role()}, {@code ha4neo.setRole(role)},
 * {@code ha4neo.bookmark()} (primary) and {@code ha4neo.awaitCommit(commitId, timeoutMs)} (standby).
 */
public class StatusProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    /** One row with a role: columns {@link ProcedureNames#ROLE_COLUMN} and {@link ProcedureNames#PREVIOUS_ROLE_COLUMN}. */
    public static class RoleRow {
        public String role;
        public String previousRole;

        RoleRow(Role role, Role previous) {
            this.role = role.name().toLowerCase(java.util.Locale.ROOT);
            this.previousRole = previous == null ? null : previous.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One row with a commit id: column {@link ProcedureNames#COMMIT_ID_COLUMN}. */
    public static class CommitRow {
        public long commitId;

        CommitRow(long commitId) {
            this.commitId = commitId;
        }
    }

    /** A position of the log: columns {@link ProcedureNames#COMMIT_ID_COLUMN}, {@link ProcedureNames#EPOCH_COLUMN}. */
    public static class PositionRow {
        public long commitId;
        public long epoch;

        PositionRow(ChainPosition p) {
            this.commitId = p.commitId();
            this.epoch = p.epoch();
        }
    }

    /** A handover point: epoch, commitId and the offset of its last record. */
    public static class HandoverRow {
        public long epoch;
        public long commitId;
        public long offset;

        HandoverRow(ReplicationMember.Handover h) {
            this.epoch = h.position().epoch();
            this.commitId = h.position().commitId();
            this.offset = h.offset();
        }
    }

    /** The outcome of a rejoin. */
    public static class RejoinRow {
        public String role;
        public long epoch;
        public long commitId;
        public List<String> divergentTail;

        RejoinRow(ReplicationMember.Rejoined r) {
            this.role = r.role().name().toLowerCase(java.util.Locale.ROOT);
            this.epoch = r.handover().epoch();
            this.commitId = r.handover().commitId();
            this.divergentTail = r.divergentTail();
        }
    }

    /**
     * One row of {@code ha4neo.status()}. Field names are the procedure's column names, which must be exactly
     * {@link StatusColumns#ALL} (Neo4j derives columns from public fields; {@code StatusRowContractTest} checks it).
     */
    public static class StatusRow {
        public String role;
        public String database;
        public String clusterId;
        public long epoch;
        public String durability;
        public String topic;
        public String publisherState;
        public long lastCommittedId;
        public long lastCapturedId;
        public long lastSpooledId;
        public long lastPublishedId;
        public long spoolBytes;
        public long spoolBlockedMs;
        public boolean semiSyncFallback;
        public List<String> gaps;
        public String lastError;
        public long appliedCommitId;
        public long sourceCommitTimeMillis;
        public long lastApplyTimeMillis;
        public long applyDelayMs;
        public boolean frozen;
        public List<String> divergentTail;
        public List<String> repairs;

        static StatusRow of(CaptureStatus s) {
            StatusRow r = new StatusRow();
            r.role = s.role();
            r.database = s.database();
            r.clusterId = s.clusterId();
            r.epoch = s.epoch();
            r.durability = s.durability();
            r.topic = s.topic();
            r.publisherState = s.publisherState();
            r.lastCommittedId = s.lastCommittedId();
            r.lastCapturedId = s.lastCapturedId();
            r.lastSpooledId = s.lastSpooledId();
            r.lastPublishedId = s.lastPublishedId();
            r.spoolBytes = s.spoolBytes();
            r.spoolBlockedMs = s.spoolBlockedMillis();
            r.semiSyncFallback = s.semiSyncFallback();
            r.gaps = s.gaps();
            r.lastError = s.lastError();
            r.appliedCommitId = s.appliedCommitId();
            r.sourceCommitTimeMillis = s.sourceCommitTimeMillis();
            r.lastApplyTimeMillis = s.lastApplyTimeMillis();
            r.applyDelayMs = s.applyDelayMillis();
            r.frozen = s.frozen();
            r.divergentTail = s.divergentTail();
            r.repairs = s.repairs();
            return r;
        }
    }

    @Procedure(name = ProcedureNames.STATUS, mode = Mode.READ)
    @Description("Replication state of this database on this member: role, durability, last committed, captured "
            + "and published commit ids, spool depth, semi-sync fallback, detected gaps and ranges repaired from the transaction log.")
    public Stream<StatusRow> status() {
        return Stream.of(StatusRow.of(member().status(tx)));
    }

    @Procedure(name = ProcedureNames.ROLE, mode = Mode.READ)
    @Description("The replication role of this database on this member: primary or standby.")
    public Stream<RoleRow> role() {
        return Stream.of(new RoleRow(member().role(), null));
    }

    @Admin
    @Procedure(name = ProcedureNames.SET_ROLE, mode = Mode.DBMS)
    @Description("Changes the role (primary <-> standby) atomically with respect to commits and persists it "
            + "across restarts. Used by switchover and failover tooling.")
    public Stream<RoleRow> setRole(@Name("role") String role) throws Exception {
        ReplicationMember m = member();
        Role previous = m.changeRole(Role.parse(role));
        return Stream.of(new RoleRow(m.role(), previous));
    }

    @Procedure(name = ProcedureNames.BOOKMARK, mode = Mode.READ)
    @Description("On a primary: a commit id (and its epoch) that covers every transaction committed before this "
            + "call, including the caller's own. Pass both to ha4neo.awaitCommit on a standby to read your writes there.")
    public Stream<PositionRow> bookmark() throws InterruptedException {
        return Stream.of(new PositionRow(member().bookmark(10_000)));
    }

    @Procedure(name = ProcedureNames.AWAIT_COMMIT, mode = Mode.READ)
    @Description("On a standby: blocks until the given commit id of the given epoch (from ha4neo.bookmark on the "
            + "primary; epoch -1 means the standby's current epoch) is applied, then returns the applied commit id; "
            + "fails after timeoutMs with the current lag.")
    public Stream<CommitRow> awaitCommit(@Name(ProcedureNames.COMMIT_ID_COLUMN) long commitId,
                                         @Name(value = "timeoutMs", defaultValue = "10000") long timeoutMs,
                                         @Name(value = ProcedureNames.EPOCH_COLUMN, defaultValue = "-1") long epoch)
            throws InterruptedException {
        return Stream.of(new CommitRow(member().awaitApplied(epoch, commitId, timeoutMs, tx)));
    }

    @Admin
    @Procedure(name = ProcedureNames.FREEZE, mode = Mode.DBMS)
    @Description("Switchover step 1, on the primary: refuses client writes from now on, lets commits in flight finish "
            + "and waits until Kafka has everything captured. Returns the handover point (epoch, commitId, offset).")
    public Stream<HandoverRow> freeze(@Name(value = "timeoutMs", defaultValue = "10000") long timeoutMs)
            throws Exception {
        return Stream.of(new HandoverRow(member().freeze(timeoutMs)));
    }

    @Admin
    @Procedure(name = ProcedureNames.UNFREEZE, mode = Mode.DBMS)
    @Description("Rolls a freeze back: the primary accepts client writes again.")
    public Stream<RoleRow> unfreeze() {
        ReplicationMember m = member();
        m.unfreeze();
        return Stream.of(new RoleRow(m.role(), null));
    }

    @Admin
    @Procedure(name = ProcedureNames.PROMOTE, mode = Mode.DBMS)
    @Description("On a standby that applied exactly the handover point (previousEpoch, previousCommitId), the last "
            + "event in the log: becomes primary of epoch previousEpoch + 1 and accepts writes once its epoch start is "
            + "in the log. On failure it stays a standby.")
    public Stream<PositionRow> promote(@Name("previousEpoch") long previousEpoch,
                                       @Name("previousCommitId") long previousCommitId,
                                       @Name(value = "reason", defaultValue = ProcedureNames.REASON_SWITCHOVER) String reason,
                                       @Name(value = "timeoutMs", defaultValue = "10000") long timeoutMs) throws Exception {
        return Stream.of(new PositionRow(member().promote(previousEpoch, previousCommitId, reason, timeoutMs)));
    }

    @Admin
    @Procedure(name = ProcedureNames.REJOIN, mode = Mode.DBMS)
    @Description("On a former primary: becomes a standby of the newer epoch, following from its handover point, when "
            + "the log has everything this store committed; otherwise FENCED, with the divergent tail reported and "
            + "exported (discardTail = true follows anyway).")
    public Stream<RejoinRow> rejoin(@Name(value = "discardTail", defaultValue = "false") boolean discardTail)
            throws Exception {
        return Stream.of(new RejoinRow(member().rejoin(discardTail)));
    }

    private ReplicationMember member() {
        String name = db.databaseName();
        return CaptureRegistry.member(name).orElseThrow(() -> new IllegalStateException(
                "ha4neo does not replicate database '" + name + "' on this member (see ha4neo.database)"));
    }
}
