package io.ha4neo.topology.cli;

import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.status.MemberStatus;
import io.ha4neo.topology.status.StatusProbe;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one rule of the commands that act on a primary and a standby (verify, bootstrap): the standby must be a
 * standby, and the primary is the member named by {@code --primary} or else the one member whose role is primary.
 * Roles come from the members ({@code ha4neo.status()}), never from the cluster file.
 */
final class MemberRoles {
    private MemberRoles() {
    }

    /** The primary for {@code standby}; any violation is thrown as {@code error.apply(message)}. */
    static Member primaryFor(ClusterClients clients, Member standby, String primaryName,
                             Function<String, ? extends RuntimeException> error) {
        List<MemberStatus> members = new StatusProbe(clients).members();
        MemberStatus standbyStatus = statusOf(members, standby.name(), error);
        if (!standbyStatus.isStandby()) {
            throw error.apply(standby.label() + " is " + roleText(standbyStatus) + ", not a standby: name a "
                    + "standby with --standby (ha4neo status shows the roles)");
        }
        if (primaryName != null) {
            Member p = clients.cluster().requireMember(primaryName);
            MemberStatus primaryStatus = statusOf(members, p.name(), error);
            if (!primaryStatus.isPrimary()) {
                throw error.apply(p.label() + " is " + roleText(primaryStatus) + ", not the primary");
            }
            return p;
        }
        List<MemberStatus> primaries = members.stream().filter(MemberStatus::isPrimary).toList();
        if (primaries.size() != 1) {
            throw error.apply((primaries.isEmpty() ? "no member is primary"
                    : primaries.size() + " members are primary (" + String.join(", ",
                    primaries.stream().map(MemberStatus::name).toList()) + ")")
                    + ": name the one to use with --primary (ha4neo status shows the roles)");
        }
        return clients.cluster().requireMember(primaries.get(0).name());
    }

    private static MemberStatus statusOf(List<MemberStatus> members, String name,
                                         Function<String, ? extends RuntimeException> error) {
        Optional<MemberStatus> status = members.stream().filter(m -> m.name().equals(name)).findFirst();
        return status.orElseThrow(() -> error.apply("no status for member '" + name + "'"));
    }

    private static String roleText(MemberStatus m) {
        if (!m.reachable()) {
            return "unreachable (" + m.error() + ")";
        }
        return m.role() == null ? "of unknown role (" + m.error() + ")" : m.role();
    }
}
