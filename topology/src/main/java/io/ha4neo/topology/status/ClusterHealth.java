package io.ha4neo.topology.status;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.topology.cluster.ClusterDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what is wrong with a cluster snapshot. Each problem is one sentence that names the member (or the topic)
 * and, where there is one, the fix: an {@code ha4neo} command (switchover, failover, rejoin) or a procedure call.
 * Pure, so every rule is unit-tested without servers.
 *
 * <p>Rules: every member answers {@code ha4neo.status()}; its plugin is configured with the cluster file's cluster id
 * and topic; exactly one member is primary; the primary is not frozen (a switchover in progress or interrupted),
 * publishes ({@link PublisherState#PUBLISHING}) and has no capture gaps; no member is fenced (a former primary with a
 * divergent tail); a standby's applier, when the file names its URL, answers and is ready; Kafka reports the topic's
 * end offset; so does each zone's Kafka cluster for its copy, and the zone's MirrorMaker, when the file names its
 * endpoint, answers.
 */
public final class ClusterHealth {
    private ClusterHealth() {
    }

    /** Every problem of the snapshot; empty means healthy. */
    public static List<String> problems(ClusterDescription cluster, KafkaStatus kafka, List<MemberStatus> members) {
        return problems(cluster, kafka, members, List.of());
    }

    /** Every problem of the snapshot of a cluster with zones; empty means healthy. */
    public static List<String> problems(ClusterDescription cluster, KafkaStatus kafka, List<MemberStatus> members,
                                        List<ZoneStatus> zones) {
        List<String> problems = new ArrayList<>();
        members.forEach(m -> member(cluster, m, members, problems));
        primaries(members, problems);
        if (!kafka.reachable()) {
            problems.add("kafka: end offset of topic " + cluster.topic() + " unavailable from "
                    + kafka.bootstrapServers() + ": " + kafka.error());
        }
        zones.forEach(z -> zone(z, problems));
        return problems;
    }

    /**
     * A zone's copy must be readable where its standbys read it. A MirrorMaker that answers without a latency for the
     * copy yet is no problem (it reports one only after copying a record); one that does not answer is.
     */
    private static void zone(ZoneStatus z, List<String> problems) {
        if (!z.reachable()) {
            problems.add("zone " + z.name() + ": end offset of topic " + z.topic() + " unavailable from kafka "
                    + z.bootstrapServers() + ": " + z.error() + "; its standbys cannot follow");
        }
        if (Boolean.FALSE.equals(z.mirrorMakerReachable())) {
            problems.add("zone " + z.name() + ": MirrorMaker at " + z.mirrorMaker() + " unavailable: "
                    + z.mirrorError() + "; the copy of " + z.topic() + " may not be fed");
        }
    }

    private static void member(ClusterDescription cluster, MemberStatus m, List<MemberStatus> members,
                               List<String> problems) {
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
            primary(label, m, members, problems);
        } else if (m.isStandby()) {
            standby(label, m, problems);
        } else if (m.isFenced()) {
            problems.add(fenced(label, m));
        } else {
            problems.add(label + " reports the unknown role '" + m.role() + "'");
        }
    }

    private static void primary(String label, MemberStatus m, List<MemberStatus> members, List<String> problems) {
        if (m.isFrozenPrimary()) {
            problems.add(label + " is primary but frozen (client writes refused): " + frozenHint(m, members));
        }
        if (!PublisherState.PUBLISHING.name().equals(m.publisherState())) {
            problems.add(label + " is primary but its publisher is " + m.publisherState()
                    + (m.lastError() == null ? "" : ": " + m.lastError()) + publisherHint(m));
        }
        if (m.gaps() != null && !m.gaps().isEmpty()) {
            problems.add(label + " has commit ids that were never captured " + m.gaps()
                    + "; standbys stop there and must be bootstrapped again");
        }
    }

    /**
     * Once another member is primary of a later epoch, the switchover got past its promotion: unfreezing the old
     * primary then would open a second history, so the only way on is to let it follow the new one.
     */
    private static String frozenHint(MemberStatus m, List<MemberStatus> members) {
        return members.stream().filter(o -> o != m && o.isPrimary() && laterEpoch(o, m)).findFirst()
                .map(o -> "a switchover to '" + o.name() + "' was interrupted after its promotion; finish it with "
                        + "ha4neo rejoin " + m.name())
                .orElse("switchover in progress or interrupted: ha4neo switchover again, or CALL "
                        + ProcedureNames.UNFREEZE + "() on " + m.name());
    }

    private static boolean laterEpoch(MemberStatus a, MemberStatus b) {
        return a.epoch() != null && b.epoch() != null && a.epoch() > b.epoch();
    }

    /** A publisher that stopped because another member was promoted: the member must follow the new primary. */
    private static String publisherHint(MemberStatus m) {
        String state = String.valueOf(m.publisherState());
        boolean replaced = state.equals(PublisherState.SUPERSEDED.name()) || state.equals(PublisherState.FENCED.name());
        return replaced ? "; another member was promoted: ha4neo rejoin " + m.name() : "";
    }

    private static String fenced(String label, MemberStatus m) {
        List<String> tail = m.divergentTail() == null ? List.of() : m.divergentTail();
        String what = tail.isEmpty() ? "" : ": it has " + tail.size() + " commit" + (tail.size() == 1 ? "" : "s")
                + " the log does not (divergent tail: " + String.join("; ", tail) + ")";
        return label + " is FENCED" + what + "; keep what you need of it, then ha4neo rejoin " + m.name()
                + " [--discard-tail]";
    }

    private static void standby(String label, MemberStatus m, List<String> problems) {
        ApplierStatus applier = m.applier();
        if (applier == null) {
            return;
        }
        if (!applier.reachable()) {
            problems.add(label + ": its applier at " + applier.url() + " does not answer: " + applier.detail());
        } else if (!Boolean.TRUE.equals(applier.ready())) {
            problems.add(label + ": its applier" + (applier.others().isEmpty() ? "" : " at " + applier.url()) + " is "
                    + applier.detail());
        }
        for (ApplierStatus other : applier.others()) {
            if (!other.reachable()) {
                problems.add(label + ": its applier at " + other.url() + " does not answer: " + other.detail()
                        + "; nothing stands by for the one at " + applier.url());
            } else if (!other.passive() && !Boolean.TRUE.equals(other.ready())) {
                problems.add(label + ": its applier at " + other.url() + " is " + other.detail());
            }
        }
    }

    private static void primaries(List<MemberStatus> members, List<String> problems) {
        List<MemberStatus> primaries = members.stream().filter(MemberStatus::isPrimary).toList();
        if (primaries.isEmpty()) {
            problems.add("no reachable member is primary: nothing is replicated; if the primary is gone, promote a "
                    + "standby with ha4neo failover --to " + standbyName(members));
        } else if (primaries.size() > 1) {
            problems.add(severalPrimaries(primaries));
        }
    }

    private static String standbyName(List<MemberStatus> members) {
        return members.stream().filter(MemberStatus::isStandby).map(MemberStatus::name).findFirst()
                .orElse("<standby>");
    }

    /**
     * Two primaries. When one has a later epoch, the others were replaced (an interrupted switchover leaves the old
     * primary frozen; a failover leaves it publishing into a fenced producer): they must rejoin. In the same epoch it
     * is a split brain that no epoch can settle: the operator chooses.
     */
    private static String severalPrimaries(List<MemberStatus> primaries) {
        String names = String.join(", ", primaries.stream().map(p -> "'" + p.name() + "' epoch " + p.epoch()).toList());
        long latest = primaries.stream().map(MemberStatus::epoch).filter(e -> e != null).mapToLong(Long::longValue)
                .max().orElse(-1);
        List<MemberStatus> newest = primaries.stream().filter(p -> p.epoch() != null && p.epoch() == latest).toList();
        String head = primaries.size() + " members are primary (" + names + ")";
        if (newest.size() == 1) {
            List<String> older = primaries.stream().filter(p -> p != newest.get(0)).map(MemberStatus::name).toList();
            return head + ": '" + newest.get(0).name() + "' has the latest epoch; the others must follow it: "
                    + String.join(", ", older.stream().map(o -> "ha4neo rejoin " + o).toList());
        }
        return head + " in the same epoch: split brain; stop client writes to all but one and run ha4neo rejoin on "
                + "the others (each becomes a standby, or FENCED with its divergent tail)";
    }

    private static String label(MemberStatus m) {
        return "member '" + m.name() + "' (" + m.bolt() + (m.zone().isEmpty() ? "" : ", zone " + m.zone()) + ")";
    }
}
