package io.ha4neo.topology.bootstrap;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.handover.ProcedureFailure;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * {@link BootstrapCalls} over Bolt: each call is one auto-commit {@code CALL} on the member's own server, never
 * retried by the driver (a {@code next} whose outcome is unknown is simply called again: it is resumable). A failure
 * is a {@link ProcedureFailure} carrying the member's own reason.
 */
public final class BoltBootstrapCalls implements BootstrapCalls {
    private final ClusterClients clients;

    public BoltBootstrapCalls(ClusterClients clients) {
        this.clients = clients;
    }

    @Override
    public RunStart begin(Member primary, String standby, int chunkSize) {
        Record r = one(primary, ProcedureNames.BOOTSTRAP_BEGIN, "($standby, $chunkSize)",
                Map.of("standby", standby, "chunkSize", (long) chunkSize));
        return new RunStart(r.get(ProcedureNames.RUN_COLUMN).asString(), num(r, ProcedureNames.EPOCH_COLUMN),
                num(r, ProcedureNames.COMMIT_ID_COLUMN), num(r, ProcedureNames.OFFSET_COLUMN),
                num(r, ProcedureNames.TOTAL_NODES_COLUMN), num(r, ProcedureNames.TOTAL_RELATIONSHIPS_COLUMN));
    }

    @Override
    public RunStep next(Member primary, String run) {
        Record r = one(primary, ProcedureNames.BOOTSTRAP_NEXT, "($run)", Map.of("run", run));
        return new RunStep(r.get(ProcedureNames.RUN_COLUMN).asString(), r.get(ProcedureNames.PHASE_COLUMN).asString(),
                num(r, ProcedureNames.COMMIT_ID_COLUMN), num(r, ProcedureNames.NODES_SENT_COLUMN),
                num(r, ProcedureNames.RELATIONSHIPS_SENT_COLUMN), num(r, ProcedureNames.TOTAL_NODES_COLUMN),
                num(r, ProcedureNames.TOTAL_RELATIONSHIPS_COLUMN));
    }

    @Override
    public String prepare(Member standby, RunStart start, boolean reseed) {
        Record r = one(standby, ProcedureNames.BOOTSTRAP_PREPARE, "($run, $epoch, $offset, $reseed)",
                Map.of("run", start.run(), "epoch", start.epoch(), "offset", start.offset(), "reseed", reseed));
        return r.get(ProcedureNames.STAGE_COLUMN).asString();
    }

    @Override
    public StandbyStage progress(Member standby) {
        Record r = one(standby, ProcedureNames.BOOTSTRAP_PROGRESS, "()", Map.of());
        return new StandbyStage(r.get(ProcedureNames.RUN_COLUMN).isNull() ? ""
                : r.get(ProcedureNames.RUN_COLUMN).asString(), r.get(ProcedureNames.STAGE_COLUMN).asString(),
                num(r, ProcedureNames.EPOCH_COLUMN), num(r, ProcedureNames.COMMIT_ID_COLUMN),
                num(r, ProcedureNames.APPLIED_COLUMN));
    }

    /** From the counts store: all nodes less ha4neo's own (one bookkeeping label each), plus all relationships. */
    @Override
    public long userEntities(Member member) {
        try (Session s = clients.session(member)) {
            long nodes = count(s, "MATCH (n) RETURN count(n) AS c");
            for (String label : ReservedNames.BOOKKEEPING_LABELS) {
                nodes -= count(s, "MATCH (n:`" + label + "`) RETURN count(n) AS c");
            }
            return Math.max(0, nodes) + count(s, "MATCH ()-[r]->() RETURN count(r) AS c");
        }
    }

    private static long count(Session s, String cypher) {
        return s.run(cypher).single().get("c").asLong();
    }

    private Record one(Member member, String procedure, String arguments, Map<String, Object> parameters) {
        List<Record> rows;
        try (Session session = clients.session(member)) {
            rows = session.run("CALL " + procedure + arguments, parameters).list();
        } catch (RuntimeException e) {
            throw ProcedureFailure.of(procedure, member.name(), e);
        }
        if (rows.size() != 1) {
            throw ProcedureFailure.unknownOutcome(procedure, member.name(), "CALL " + procedure + " returned "
                    + rows.size() + " rows instead of one");
        }
        return rows.get(0);
    }

    private static long num(Record r, String column) {
        return r.get(column).asLong();
    }
}
