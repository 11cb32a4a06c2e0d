package io.ha4neo.topology.handover;

import io.ha4neo.topology.status.MemberStatus;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** One probe of every member, with the questions switchover and failover ask of it. Pure. */
final class ClusterView {
    private final List<MemberStatus> members;

    ClusterView(List<MemberStatus> members) {
        this.members = List.copyOf(members);
    }

    Optional<MemberStatus> status(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    List<MemberStatus> primaries() {
        return members.stream().filter(MemberStatus::isPrimary).toList();
    }

    /** Reachable members other than {@code except} that are primary and not frozen: clients may be writing there. */
    List<MemberStatus> writablePrimariesOtherThan(String except) {
        return members.stream().filter(m -> m.acceptsWrites() && !m.name().equals(except)).toList();
    }

    List<MemberStatus> unreachable() {
        return members.stream().filter(m -> !m.reachable()).toList();
    }

    /** "a primary (epoch 0), b standby (epoch 0, applied 42), c unreachable": the probe step's line. */
    String describe() {
        return members.stream().map(ClusterView::describe).collect(Collectors.joining(", "));
    }

    /** "b standby (epoch 0, applied 42)". */
    static String describe(MemberStatus m) {
        if (!m.reachable() || m.error() != null) {
            return m.name() + (m.reachable() ? " without status" : " unreachable");
        }
        String role = m.isFrozenPrimary() ? "primary FROZEN" : m.role();
        String applied = m.isStandby() && m.appliedCommitId() != null ? ", applied " + m.appliedCommitId() : "";
        return m.name() + " " + role + " (epoch " + m.epoch() + applied + ")";
    }

    /** Why {@code m} cannot be promoted, or empty when it is a reachable standby. */
    static Optional<String> notAStandby(MemberStatus m) {
        if (!m.reachable()) {
            return Optional.of("is unreachable: " + m.error());
        }
        if (m.error() != null) {
            return Optional.of("has no status: " + m.error());
        }
        return m.isStandby() ? Optional.empty() : Optional.of("is " + m.role() + ", not a standby");
    }
}
