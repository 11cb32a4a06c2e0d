package io.ha4neo.capture;

import io.ha4neo.capture.repair.CommitRepair;
import io.ha4neo.capture.repair.RepairContent;
import io.ha4neo.capture.repair.RepairPlanner;
import io.ha4neo.capture.repair.RepairRefusedException;
import io.ha4neo.capture.txlog.TouchedEntities;
import io.ha4neo.capture.txlog.TransactionLogException;
import io.ha4neo.capture.txlog.TransactionLogReader;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * The repair of missed commits for Neo4j 5.26: what {@link Neo4j526TransactionLogReader} reads of the range, planned by
 * {@link RepairPlanner} against the store as {@link StoreRepairView} reads it. Runs inside the database's start-up.
 */
final class LogRepair implements CommitRepair {
    private final GraphDatabaseAPI database;

    LogRepair(GraphDatabaseAPI database) {
        this.database = database;
    }

    @Override
    public RepairContent repair(long first, long last) throws RepairRefusedException {
        TouchedEntities touched;
        try {
            TransactionLogReader reader = Neo4j526TransactionLogReader.open(database);
            touched = reader.read(first, last);
        } catch (TransactionLogException e) {
            throw new RepairRefusedException(e.getMessage(), e);
        }
        if (touched.anySchema()) {
            throw new RepairRefusedException("commit ids " + first + ".." + last + " include a schema change (an "
                    + "index or constraint was created or dropped), which a repair from the transaction log does not "
                    + "rebuild; re-seed the standbys with `" + BootstrapRefusal.COMMAND + " --standby <member>`", null);
        }
        try (StoreRepairView store = new StoreRepairView(database)) {
            return RepairPlanner.plan(touched, store);
        } catch (RuntimeException e) {
            throw new RepairRefusedException("commit ids " + first + ".." + last + " cannot be repaired: reading "
                    + "their entities from the store failed: " + e, e);
        }
    }
}
