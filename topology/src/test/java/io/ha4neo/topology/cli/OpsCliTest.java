package io.ha4neo.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI in-process: picocli parses, the commands run, output is captured. No servers (ports are closed). */
class OpsCliTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheSubcommandsAndTheExitCodes() {
        Run run = run("--help");

        assertThat(run.code).isZero();
        assertThat(run.out).contains("Usage: ha4neo", "--cluster=<file>", "status", "create-topics", "Exit codes:",
                        "${ENV_VAR}")
                .containsPattern("(?m)^\\s+0\\s+ok: every check passed")
                .containsPattern("(?m)^\\s+1\\s+a check failed or something is unhealthy")
                .containsPattern("(?m)^\\s+2\\s+usage or configuration error");
    }

    @Test
    void subcommandHelpShowsItsOptionsAndTheExitCodes() {
        Run run = run("create-topics", "--help");

        assertThat(run.code).isZero();
        assertThat(run.out).contains("Usage: ha4neo create-topics", "--replication-factor=<n>", "--cluster=<file>",
                "Exit codes:");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Run run = run("--version");

        assertThat(run.code).isZero();
        assertThat(run.out.trim()).matches("ha4neo \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void noCommandAndUnknownOptionsAreUsageErrors() {
        assertThat(run().code).isEqualTo(ExitCodes.USAGE);
        Run unknown = run("status", "--bogus");
        assertThat(unknown.code).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err).contains("Unknown option: '--bogus'");
        assertThat(run("--timeout", "0", "status").code).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void withoutAClusterFileTheCommandSaysHowToGiveOne() {
        Run run = run("status");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("no cluster file: pass --cluster <file> or set HA4NEO_CLUSTER");
    }

    @Test
    void aBadClusterFileExitsTwoNamingTheFileAndTheField() throws IOException {
        Path file = Files.writeString(dir.resolve("cluster.json"), """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "127.0.0.1:1"},
                 "members": [{"name": "a", "bolt": "bolt://127.0.0.1:1"}, {"name": "b", "bolt_uri": "bolt://x:1"}]}
                """);

        Run run = run("--cluster", file.toString(), "status");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains(file.toString(), "members[1].bolt: missing",
                "members[1]: unknown field 'bolt_uri' (did you mean 'bolt'?)");
        assertThat(run.out).isEmpty();
    }

    @Test
    void statusAgainstUnreachableMembersExitsOneAndNamesEachMember() throws IOException {
        Path file = clusterOnClosedPorts();

        Run run = run("status", "--cluster", file.toString(), "--timeout", "1");

        assertThat(run.code).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(run.out).contains("UNHEALTHY").containsPattern("member 'a' \\(bolt://127.0.0.1:\\d+, zone z1\\) "
                + "unreachable").containsPattern("member 'b' \\(bolt://127.0.0.1:\\d+, zone z2\\) unreachable")
                .contains("no reachable member is primary", "kafka: end offset of topic ha4neo.dc1.neo4j unavailable");
    }

    @Test
    void statusJsonParsesAndSaysWhichMemberIsUnreachable() throws IOException {
        Path file = clusterOnClosedPorts();

        Run run = run("--cluster", file.toString(), "--timeout", "1", "status", "--json");

        assertThat(run.code).isEqualTo(ExitCodes.UNHEALTHY);
        JsonNode json = new ObjectMapper().readTree(run.out);
        assertThat(json.get("clusterId").asText()).isEqualTo("dc1");
        assertThat(json.get("topic").asText()).isEqualTo("ha4neo.dc1.neo4j");
        assertThat(json.get("healthy").asBoolean()).isFalse();
        assertThat(json.get("members")).hasSize(2);
        assertThat(json.get("members").get(1).get("name").asText()).isEqualTo("b");
        assertThat(json.get("members").get(1).has("primary")).as("only the record's fields").isFalse();
        assertThat(json.get("members").get(1).get("reachable").asBoolean()).isFalse();
        assertThat(json.get("members").get(1).get("error").asText()).isNotBlank();
        assertThat(json.get("kafka").get("reachable").asBoolean()).isFalse();
        assertThat(json.get("problems").toString()).contains("member 'b'");
        assertThat(run.out).doesNotContain("pw-of-b");
    }

    @Test
    void createTopicsAgainstAnUnreachableBrokerExitsOneNamingTheTopic() throws IOException {
        Path file = clusterOnClosedPorts();

        Run run = run("--cluster", file.toString(), "--timeout", "1", "create-topics", "--replication-factor", "1");

        assertThat(run.code).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(run.err).contains("ha4neo create-topics: cannot create or check topic ha4neo.dc1.neo4j on "
                + "127.0.0.1:");
    }

    @Test
    void aReplicationFactorOutOfRangeIsAUsageError() throws IOException {
        Run run = run("--cluster", clusterOnClosedPorts().toString(), "create-topics", "--replication-factor", "0");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("--replication-factor must be between 1 and 32, not 0");
    }

    private Path clusterOnClosedPorts() throws IOException {
        return Files.writeString(dir.resolve("cluster.json"), """
                {"clusterId": "dc1",
                 "kafka": {"bootstrapServers": "127.0.0.1:%d", "replicationFactor": 1},
                 "members": [{"name": "a", "zone": "z1", "bolt": "bolt://127.0.0.1:%d"},
                             {"name": "b", "zone": "z2", "bolt": "bolt://127.0.0.1:%d", "password": "${PW_B}"}]}
                """.formatted(closedPort(), closedPort(), closedPort()));
    }

    /** A port nothing listens on: bound once by the OS, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new OpsCli(Map.of("PW_B", "pw-of-b")::get));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int code, String out, String err) {
    }
}
