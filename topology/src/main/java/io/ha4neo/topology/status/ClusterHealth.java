package io.ha4neo.topology.status;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.topology.cluster.ClusterDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what is wrong with a cluster snapshot. Each problem is one sentence that names the member (or the topic)
 * and, where there is one, the fix. Pure, so every rule is unit-tested without servers.
 *
 * <p>Rules: every member answers {@code ha4neo.status()}; its plugin is configured with the cluster file's cluster id
 * and topic; exactly one member is primary; the primary publishes ({@link PublisherState#PUBLISHING}) and has no
 * capture gaps; a standby's applier, when the file names its URL, answers and is ready; Kafka reports the topic's
 * end offset.
 */
public final class ClusterHealth {
    private ClusterHealth() {
    }

    /** Every problem of the snapshot; empty means healthy. */
    public static List<String> problems(ClusterDescription cluster, KafkaStatus kafka, List<MemberStatus> members) {
        List<String> problems = new ArrayList<>();
        members.forEach(m -> member(cluster, m, problems));
        primaries(members, problems);
        if (!kafka.reachable()) {
            problems.add("kafka: end offset of topic " + cluster.topic() + " unavailable from "
                    + kafka.bootstrapServers() + ": " + kafka.error());
        }
        return problems;
    }

    private static void member(ClusterDescription cluster, MemberStatus m, List<String> problems) {
        String label = label(m);
        if (!m.reachable()) {
            problems.add(label + " unreachable: " + m.error());
            return;
        }
        if (m.error() != null) {
            problems.add(label + ": " + m.error());
            return;
        }
        if (!cluster.clusterId().equals(m.clusterId())) {
            problems.add(label + " runs with ha4neo.cluster.id=" + m.clusterId() + " but the cluster file says "
                    + cluster.clusterId() + "; fix the member's neo4j.conf or the cluster file");
        }
        if (!cluster.topic().equals(m.topic())) {
            problems.add(label + " replicates topic " + m.topic() + " but the cluster file says " + cluster.topic()
                    + "; fix ha4neo.topic in the member's neo4j.conf or the cluster file");
        }
        if (m.isPrimary()) {
            primary(label, m, problems);
        } else if (m.isStandby()) {
            standby(label, m, problems);
        } else {
            problems.add(label + " reports the unknown role '" + m.role() + "'");
        }
    }

    private static void primary(String label, MemberStatus m, List<String> problems) {
        if (!PublisherState.PUBLISHING.name().equals(m.publisherState())) {
            problems.add(label + " is primary but its publisher is " + m.publisherState()
                    + (m.lastError() == null ? "" : ": " + m.lastError()));
        }
        if (m.gaps() != null && !m.gaps().isEmpty()) {
            problems.add(label + " has commit ids that were never captured " + m.gaps()
                    + "; standbys stop there and must be bootstrapped again");
        }
    }

    private static void standby(String label, MemberStatus m, List<String> problems) {
        ApplierStatus applier = m.applier();
        if (applier == null) {
            return;
        }
        if (!applier.reachable()) {
            problems.add(label + ": its applier at " + applier.url() + " does not answer: " + applier.detail());
        } else if (!Boolean.TRUE.equals(applier.ready())) {
            problems.add(label + ": its applier is " + applier.detail());
        }
    }

    private static void primaries(List<MemberStatus> members, List<String> problems) {
        List<String> primaries = members.stream().filter(MemberStatus::isPrimary).map(m -> "'" + m.name() + "'")
                .toList();
        if (primaries.isEmpty()) {
            problems.add("no reachable member is primary: nothing is replicated; promote one with CALL "
                    + ProcedureNames.SET_ROLE + "('primary')");
        } else if (primaries.size() > 1) {
            problems.add(primaries.size() + " members are primary (" + String.join(", ", primaries) + "): split "
                    + "brain; demote all but one with CALL " + ProcedureNames.SET_ROLE + "('standby')");
        }
    }

    private static String label(MemberStatus m) {
        return "member '" + m.name() + "' (" + m.bolt() + (m.zone().isEmpty() ? "" : ", zone " + m.zone()) + ")";
    }
}
