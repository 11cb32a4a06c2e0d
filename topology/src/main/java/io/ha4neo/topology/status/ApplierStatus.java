package io.ha4neo.topology.status;

import java.util.List;

/**
 * What a standby's sink applier says about itself over HTTP, when the cluster file names its metrics URL. A standby
 * with several appliers (one applies, the others stand by, PASSIVE) is described by the one that applies, with the
 * others in {@link #others()}.
 *
 * @param url the {@code /metrics} URL from the cluster file
 * @param reachable whether the endpoint answered at all
 * @param ready {@code /ready} answered 200 (positioned, connected to Kafka and Neo4j, lag within its limit); null
 *              when unreachable
 * @param detail the body of {@code /ready} ("ready, state CAUGHT_UP", "not ready: ..."), or why it is unreachable
 * @param lagSeconds the applier's {@code ha4neo_applier_lag_seconds} gauge, null when not exported
 * @param others the member's other appliers, as the cluster file lists them after the first; empty when it has one
 */
public record ApplierStatus(String url, boolean reachable, Boolean ready, String detail, Double lagSeconds,
                            List<ApplierStatus> others) {
    /** The state an applier reports while another applier of its standby holds the partition. */
    static final String PASSIVE_STATE = "state PASSIVE";

    public ApplierStatus {
        others = others == null ? List.of() : List.copyOf(others);
    }

    /** One applier, no others. */
    public ApplierStatus(String url, boolean reachable, Boolean ready, String detail, Double lagSeconds) {
        this(url, reachable, ready, detail, lagSeconds, List.of());
    }

    /** True when it answers that it stands by: another applier of the standby applies. */
    public boolean passive() {
        return reachable && detail != null && detail.contains(PASSIVE_STATE);
    }

    /**
     * Of a member's appliers, in the cluster file's order: the one that applies is described, the rest are its
     * {@link #others()}. The one that applies: the first ready one, else the first reachable one that is not passive,
     * else the first.
     */
    static ApplierStatus ofMember(List<ApplierStatus> appliers) {
        if (appliers.isEmpty()) {
            return null;
        }
        ApplierStatus main = appliers.stream().filter(a -> Boolean.TRUE.equals(a.ready())).findFirst()
                .or(() -> appliers.stream().filter(a -> a.reachable() && !a.passive()).findFirst())
                .orElse(appliers.get(0));
        List<ApplierStatus> rest = appliers.stream().filter(a -> a != main).toList();
        return new ApplierStatus(main.url(), main.reachable(), main.ready(), main.detail(), main.lagSeconds(), rest);
    }
}
