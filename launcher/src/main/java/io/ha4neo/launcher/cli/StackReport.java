package io.ha4neo.launcher.cli;

import io.ha4neo.launcher.status.ReplicationProbe;
import io.ha4neo.launcher.status.ReplicationStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;

/**
 * What {@code status} prints: the endpoints recorded in {@link StackState}, member by member, whether each piece
 * answers now, and a {@link ReplicationStatus} snapshot (which names the member that is primary now and its standby).
 * Unreachable pieces are reported as such, never as errors. It logs in with the stack's {@link StackCredentials} and
 * names their file, never the passwords.
 */
final class StackReport {
    /** Each member's endpoints, in display order: Bolt, the plugin's metrics, its applier's metrics. */
    static final List<String> MEMBER_ENDPOINTS = List.of("bolt", "metrics", "applierMetrics");

    private StackReport() {
    }

    /** The report of a stack whose launcher is running; reaches out to every endpoint. */
    static Map<String, Object> collect(Path stateDir, StackState state) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("stateDir", stateDir.toString());
        report.put("running", state.liveLauncher().isPresent());
        report.put("phase", state.get("phase"));
        report.put("launcherPid", state.get("launcher.pid"));
        report.put("startToReadySeconds", toDouble(state.get("startToReadySeconds")));
        AuthToken auth = adminAuth(stateDir);
        report.put("endpoints", endpoints(state));
        report.put("reachable", reachability(state, auth));
        report.put("replication", replication(stateDir, state).toMap());
        return report;
    }

    /** The report when no launcher state exists. */
    static Map<String, Object> notRunning(Path stateDir) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("stateDir", stateDir.toString());
        report.put("running", false);
        report.put("phase", null);
        report.put("endpoints", null);
        report.put("reachable", null);
        report.put("replication", null);
        return report;
    }

    static Map<String, Object> endpoints(StackState state) {
        Map<String, Object> e = new LinkedHashMap<>();
        Map<String, Object> members = new LinkedHashMap<>();
        for (String member : StackCluster.memberNames(state)) {
            Map<String, Object> m = new LinkedHashMap<>();
            MEMBER_ENDPOINTS.forEach(what -> m.put(what, state.get(StackCluster.key(member, what))));
            members.put(member, m);
        }
        e.put("members", members);
        e.put("kafkaBootstrap", state.get("kafka.bootstrap"));
        e.put("topic", state.get("topic"));
        e.put("database", state.get("database"));
        e.put("clusterFile", state.get("cluster.file"));
        e.put("credentialsFile", state.get("credentials.file"));
        return e;
    }

    static ReplicationStatus replication(Path stateDir, StackState state) {
        try (ReplicationProbe probe = probe(stateDir, state)) {
            return probe.probe();
        } catch (RuntimeException e) {
            return new ReplicationStatus(null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, List.of("cannot probe the stack: " + e.getMessage()));
        }
    }

    /** A probe of the stack in {@code stateDir}: its cluster file, logged in as its admin user. */
    static ReplicationProbe probe(Path stateDir, StackState state) {
        return new ReplicationProbe(StackCluster.load(stateDir), StackCluster.applierGroups(state));
    }

    /** The admin user's token from the state directory's credentials; none when the file is missing. */
    static AuthToken adminAuth(Path stateDir) {
        return StackCredentials.read(stateDir).map(c -> c.admin().authToken()).orElse(AuthTokens.none());
    }

    private static Map<String, Object> reachability(StackState state, AuthToken auth) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (String member : StackCluster.memberNames(state)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bolt", boltAnswers(state.get(StackCluster.key(member, "bolt")), auth));
            m.put("metrics", httpOk(state.get(StackCluster.key(member, "metrics"))));
            m.put("applierMetrics", httpOk(state.get(StackCluster.key(member, "applierMetrics"))));
            r.put(member, m);
        }
        return r;
    }

    private static boolean boltAnswers(String uri, AuthToken auth) {
        if (uri == null) {
            return false;
        }
        try (var driver = org.neo4j.driver.GraphDatabase.driver(uri, auth,
                org.neo4j.driver.Config.builder().withLogging(org.neo4j.driver.Logging.none()).build())) {
            return ReplicationProbe.answers(driver);
        }
    }

    /** True when {@code GET url} answers 200 within 2 s. */
    static boolean httpOk(String url) {
        if (url == null) {
            return false;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The report as text lines, for humans. */
    @SuppressWarnings("unchecked")
    static List<String> toLines(Map<String, Object> report) {
        List<String> lines = new ArrayList<>();
        lines.add("state dir:  " + report.get("stateDir"));
        lines.add("running:    " + report.get("running") + (report.get("phase") == null ? "" : " (" + report.get("phase") + ")"));
        if (report.get("endpoints") instanceof Map<?, ?> e) {
            Map<String, Object> reachable = (Map<String, Object>) report.get("reachable");
            Map<String, Object> members = (Map<String, Object>) e.get("members");
            members.forEach((name, endpoints) -> lines.addAll(memberLines(name, (Map<String, Object>) endpoints,
                    (Map<String, Object>) reachable.get(name))));
            lines.add("kafka:      " + e.get("kafkaBootstrap") + "  topic " + e.get("topic"));
            if (e.get("clusterFile") != null) {
                lines.add("cluster:    " + e.get("clusterFile") + "  (for the ops CLI: ./stack ops status)");
            }
            if (e.get("credentialsFile") != null) {
                lines.add("login:      " + e.get("credentialsFile") + "  (auth on; ./stack credentials prints them)");
            }
        }
        if (report.get("replication") instanceof Map<?, ?> r) {
            r.forEach((k, v) -> lines.add(String.format("  %-30s %s", k, v == null ? "unavailable" : v)));
        }
        return lines;
    }

    /** "member a:   bolt://... (answers)", then its plugin's and its applier's metrics. */
    private static List<String> memberLines(String name, Map<String, Object> endpoints, Map<String, Object> up) {
        Map<String, Object> reachable = up == null ? Map.of() : up;
        return List.of(String.format("member %-4s %s%s", name + ":", endpoints.get("bolt"),
                        upOrDown(reachable.get("bolt"))),
                String.format("  metrics:  plugin %s%s", endpoints.get("metrics"), upOrDown(reachable.get("metrics"))),
                String.format("            applier %s%s", endpoints.get("applierMetrics"),
                        upOrDown(reachable.get("applierMetrics"))));
    }

    private static String upOrDown(Object reachable) {
        return Boolean.TRUE.equals(reachable) ? "  (answers)" : "  (unavailable)";
    }

    private static Double toDouble(String value) {
        return value == null ? null : Double.valueOf(value);
    }
}
