package io.ha4neo.capture.status;

import java.util.List;
import java.util.stream.Stream;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Procedure;

/** {@code CALL ha4neo.status()}: replication state of the current database on this member. */
public class StatusProcedures {
    @Context
    public GraphDatabaseService db;

    /** One row of {@code ha4neo.status()}. Field names are the procedure's column names. */
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
            return r;
        }
    }

    @Procedure(name = "ha4neo.status", mode = Mode.READ)
    @Description("Replication state of this database on this member: role, durability, last committed, captured "
            + "and published commit ids, spool depth, semi-sync fallback and detected gaps.")
    public Stream<StatusRow> status() {
        String name = db.databaseName();
        CaptureStatus s = CaptureRegistry.status(name).orElseThrow(() -> new IllegalStateException(
                "ha4neo does not replicate database '" + name + "' on this member (see ha4neo.database)"));
        return Stream.of(StatusRow.of(s));
    }
}
