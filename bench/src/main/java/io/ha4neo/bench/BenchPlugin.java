package io.ha4neo.bench;

import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.KafkaBroker;
import java.util.LinkedHashMap;
import java.util.Map;

/** The capture plugin's settings every benchmark server with a role starts from; each step adds its own. */
final class BenchPlugin {
    private BenchPlugin() {
    }

    /** Role, cluster, topic, broker and the applier user the standby's guard trusts; a mutable map. */
    static Map<String, String> settings(String role, String clusterId, String topic, KafkaBroker broker,
                                        Credentials applierUser) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ha4neo.role", role);
        s.put("ha4neo.applier.user", applierUser.user());
        s.put("ha4neo.cluster.id", clusterId);
        s.put("ha4neo.topic", topic);
        s.put("dbms.security.procedures.unrestricted", "ha4neo.*");
        s.put("ha4neo.kafka.bootstrap.servers", broker.bootstrapServers());
        return s;
    }
}
