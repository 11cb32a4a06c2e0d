package io.ha4neo.launcher.cli;

import io.ha4neo.schemas.topology.TopicNames;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.ClusterFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The members of the local stack as its control file ({@link StackState}) and its cluster file record them. Both
 * members run the capture plugin and their own applier, so either can be primary: the member names ({@link #MEMBERS},
 * {@code a} and {@code b}) say nothing about roles, which move with {@code ./stack switchover}; {@code a} starts as
 * the primary.
 *
 * <p>Control-file keys, per member {@code m}: {@code member.m.bolt}, {@code member.m.metrics} (the plugin's),
 * {@code member.m.applierMetrics} and {@code member.m.applierGroup}; {@code members} lists the names.
 */
final class StackCluster {
    /** The stack's members, in start order; the first starts as primary. */
    static final List<String> MEMBERS = List.of("a", "b");
    static final String MEMBERS_KEY = "members";

    private StackCluster() {
    }

    /** The control-file key of {@code what} for {@code member}. */
    static String key(String member, String what) {
        return "member." + member + "." + what;
    }

    /** The member names the running stack recorded (none before its first write). */
    static List<String> memberNames(StackState state) {
        String names = state.get(MEMBERS_KEY);
        return names == null ? List.of() : Arrays.stream(names.split(",")).map(String::strip).toList();
    }

    /**
     * The consumer group of {@code member}'s applier ({@code ha4neo-applier-<topic>-<member>}, as the ITs' TestStack
     * names them). Each applier has its own: with the default group shared, the applier idling on the primary could
     * hold the partition and the standby's applier would get none.
     */
    static String applierGroup(String topic, String member) {
        return TopicNames.applierGroup(topic, member);
    }

    /** Every member's applier group, as the control file records them. */
    static Map<String, String> applierGroups(StackState state) {
        Map<String, String> groups = new LinkedHashMap<>();
        memberNames(state).forEach(m -> {
            String group = state.get(key(m, "applierGroup"));
            if (group != null) {
                groups.put(m, group);
            }
        });
        return groups;
    }

    /** The cluster file of the stack in {@code stateDir}, its {@code ${NEO4J_PASSWORD}} taken from the credentials. */
    static ClusterDescription load(Path stateDir) {
        return ClusterFile.load(stateDir.resolve(LocalStack.CLUSTER_FILE), environment(stateDir));
    }

    /** The process environment, with {@code NEO4J_PASSWORD} set from the stack's credentials file when it has one. */
    static Function<String, String> environment(Path stateDir) {
        String password = StackCredentials.read(stateDir).map(c -> c.admin().password()).orElse(null);
        return name -> StackCredentials.PASSWORD_ENV.equals(name) && password != null ? password : System.getenv(name);
    }
}
