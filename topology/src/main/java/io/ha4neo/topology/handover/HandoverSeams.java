package io.ha4neo.topology.handover;

import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.status.MemberStatus;
import io.ha4neo.topology.status.StatusProbe;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything a switchover, failover or rejoin needs from the outside world, in one place so that a test replaces all
 * of it: the procedures on the members, a fresh status of every member, the log's last event, and the clock that
 * times each step.
 *
 * @param procedures one procedure call on one member
 * @param members every member's {@code ha4neo.status()}, in cluster-file order (never throws: an unreachable member
 *                is a status that says so)
 * @param logTail the replication log's last event
 * @param clock times the steps, the RPO/RTO figures and the failover's recovery time
 */
public record HandoverSeams(MemberProcedures procedures, Supplier<List<MemberStatus>> members, LogTail logTail,
                            Clock clock) {
    /**
     * The real world: Bolt to every member, Kafka for the log's tail (its records' key and epoch header; the embedded
     * codec only for records older than the header, so either schema mode works), the system clock.
     */
    public static HandoverSeams of(ClusterClients clients) {
        StatusProbe probe = new StatusProbe(clients);
        Clock clock = Clock.systemUTC();
        return new HandoverSeams(new BoltProcedures(clients), probe::members, new KafkaLogTail(
                clients.cluster().topic(), clients::tailConsumer, EventCodecs.embedded(), clients.timeout(), clock),
                clock);
    }
}
