package io.ha4neo.topology.verify;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.handover.BoltProcedures;
import java.time.Duration;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * {@link ReplicationSync} over Bolt: {@code CALL ha4neo.bookmark()} on the primary, {@code ha4neo.awaitCommit} on the
 * standby (through {@link BoltProcedures}, which classifies its failures). Each failure names the member and what
 * verify was waiting for.
 */
public final class BoltReplicationSync implements ReplicationSync {
    private final ClusterClients clients;
    private final Member primary;
    private final Member standby;
    private final Duration timeout;
    private final BoltProcedures procedures;

    public BoltReplicationSync(ClusterClients clients, Member primary, Member standby, Duration timeout) {
        this.clients = clients;
        this.primary = primary;
        this.standby = standby;
        this.timeout = timeout;
        this.procedures = new BoltProcedures(clients);
    }

    @Override
    public ChainPosition bookmark() {
        TransactionConfig config = TransactionConfig.builder().withTimeout(timeout).build();
        try (Session s = clients.session(primary)) {
            Record row = s.run(ProcedureNames.call(ProcedureNames.BOOKMARK), config).single();
            return new ChainPosition(row.get(ProcedureNames.EPOCH_COLUMN).asLong(),
                    row.get(ProcedureNames.COMMIT_ID_COLUMN).asLong());
        } catch (RuntimeException e) {
            throw new VerifyException("CALL " + ProcedureNames.BOOKMARK + "() on " + primary.label() + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public long awaitApplied(ChainPosition position) {
        try {
            return procedures.awaitCommit(standby, position, timeout);
        } catch (RuntimeException e) {
            throw new VerifyException(standby.label() + " did not apply (epoch " + position.epoch() + ", commit "
                    + position.commitId() + ") of " + primary.name() + " within " + timeout.toMillis() + " ms: "
                    + e.getMessage(), e);
        }
    }
}
