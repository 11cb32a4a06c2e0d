package io.ha4neo.topology.handover;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.topology.Role;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.Member;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;

/**
 * {@link MemberProcedures} over Bolt: each call is one auto-commit {@code CALL} on the member's own server, never
 * retried by the driver (a second freeze or promote must be the operator's decision, not a transport's). The
 * server-side transaction timeout is the procedure's own wait plus a margin, so that the procedure's message ("not at
 * (epoch 0, commit 42) after 30000 ms") arrives before the server kills the transaction.
 */
public final class BoltProcedures implements MemberProcedures {
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private final ClusterClients clients;

    public BoltProcedures(ClusterClients clients) {
        this.clients = clients;
    }

    @Override
    public LastEvent freeze(Member primary, Duration timeout) {
        Record row = one(primary, ProcedureNames.FREEZE, "($timeoutMs)", Map.of("timeoutMs", timeout.toMillis()),
                timeout);
        return new LastEvent(position(row), number(row, ProcedureNames.OFFSET_COLUMN));
    }

    @Override
    public void unfreeze(Member primary) {
        call(primary, ProcedureNames.UNFREEZE, "()", Map.of(), clients.timeout());
    }

    @Override
    public long awaitCommit(Member standby, ChainPosition position, Duration timeout) {
        Record row = one(standby, ProcedureNames.AWAIT_COMMIT, "($commitId, $timeoutMs, $epoch)",
                Map.of("commitId", position.commitId(), "timeoutMs", timeout.toMillis(), "epoch", position.epoch()),
                timeout);
        return row.get(ProcedureNames.COMMIT_ID_COLUMN).asLong();
    }

    @Override
    public ChainPosition promote(Member standby, ChainPosition previous, String reason, Duration timeout) {
        Record row = one(standby, ProcedureNames.PROMOTE, "($previousEpoch, $previousCommitId, $reason, $timeoutMs)",
                Map.of("previousEpoch", previous.epoch(), "previousCommitId", previous.commitId(), "reason", reason,
                        "timeoutMs", timeout.toMillis()), timeout);
        return position(row);
    }

    @Override
    public RejoinResult rejoin(Member member, boolean discardTail) {
        Record row = one(member, ProcedureNames.REJOIN, "($discardTail)", Map.of("discardTail", discardTail),
                clients.timeout());
        Value tail = row.get(ProcedureNames.DIVERGENT_TAIL_COLUMN);
        return new RejoinResult(Role.parse(row.get(ProcedureNames.ROLE_COLUMN).asString()), position(row),
                tail.isNull() ? List.of() : tail.asList(Value::asString));
    }

    private Record one(Member member, String procedure, String arguments, Map<String, Object> parameters,
                       Duration wait) {
        List<Record> rows = call(member, procedure, arguments, parameters, wait);
        if (rows.size() != 1) {
            throw ProcedureFailure.unknownOutcome(procedure, member.name(), "CALL " + procedure + " returned "
                    + rows.size() + " rows instead of one");
        }
        return rows.get(0);
    }

    private List<Record> call(Member member, String procedure, String arguments, Map<String, Object> parameters,
                              Duration wait) {
        TransactionConfig config = TransactionConfig.builder().withTimeout(wait.plus(MARGIN)).build();
        try (Session session = clients.session(member)) {
            return session.run("CALL " + procedure + arguments, parameters, config).list();
        } catch (RuntimeException e) {
            throw ProcedureFailure.of(procedure, member.name(), e);
        }
    }

    private static ChainPosition position(Record row) {
        return new ChainPosition(row.get(ProcedureNames.EPOCH_COLUMN).asLong(),
                row.get(ProcedureNames.COMMIT_ID_COLUMN).asLong());
    }

    private static Long number(Record row, String column) {
        Value v = row.containsKey(column) ? row.get(column) : null;
        return v == null || v.isNull() ? null : v.asLong();
    }
}
