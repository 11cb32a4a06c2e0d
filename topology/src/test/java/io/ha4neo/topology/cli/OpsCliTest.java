package io.ha4neo.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.topology.handover.SimulatedCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        assertThat(run.out).contains("Usage: ha4neo", "--cluster=<file>", "status", "create-topics", "switchover",
                        "failover", "rejoin", "Exit codes:", "${ENV_VAR}", "--timeout=<duration>")
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
        Run notADuration = run("--timeout", "soon", "status");
        assertThat(notADuration.code).isEqualTo(ExitCodes.USAGE);
        assertThat(notADuration.err).contains("'soon' is not a duration: use 500ms, 30s or 2m (a bare number is "
                + "seconds)");
    }

    @Test
    void timeoutsTakeUnitsAndABareNumberStaysSeconds() {
        assertThat(DurationConverter.parse("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500 ms");
        assertThat(DurationConverter.format(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("2 min");
    }

    @Test
    void switchoverHelpNamesItsStepsOptionsAndExitCodes() {
        Run run = run("switchover", "--help");

        assertThat(run.code).isZero();
        assertThat(run.out).contains("Usage: ha4neo switchover", "--to=<member>", "--json", "--timeout=<duration>",
                "freezes", "RPO", "RTO", "Exit codes:");
        assertThat(run("failover", "--help").out).contains("--force", "--to=<member>", "divergent tail");
        assertThat(run("rejoin", "--help").out).contains("<member>", "--discard-tail");
    }

    @Test
    void switchoverPrintsEachStepWithItsDurationThenTheSummaryAndExitsZero() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40);

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "switchover", "--to", "b");

        assertThat(run.code).as(run.err).isEqualTo(ExitCodes.OK);
        assertThat(run.out.lines().toList()).containsExactly(
                "  probe        -  15 ms  a primary (epoch 0), b standby (epoch 0, applied 40)",
                "  freeze       a  10 ms  client writes refused; handover point (epoch 0, commit 42) at offset 57",
                "  awaitCommit  b  20 ms  applied commit 42",
                "  promote      b  30 ms  primary of epoch 1, accepting writes (its first commit 30)",
                "  rejoin       a  40 ms  standby, following from (epoch 0, commit 42)",
                "switchover a -> b: epoch 0 -> 1 at (epoch 0, commit 42); RPO 0 commits; RTO 60 ms (client writes "
                        + "refused from freeze to promotion)");
    }

    @Test
    void demoteFreezesThePrimaryAndPrintsTheHandoverPointAndRefusesAStandby() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40);

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "demote", "a");
        Run json = run(sim, "--cluster", simulatedClusterFile().toString(), "--json", "demote", "a");
        Run standby = run(sim, "--cluster", simulatedClusterFile().toString(), "demote", "b");
        Run unknown = run(sim, "--cluster", simulatedClusterFile().toString(), "demote", "c");

        assertThat(run.code).as(run.err).isEqualTo(ExitCodes.OK);
        assertThat(run.out).startsWith("member 'a' (").contains(") demoted: client writes refused; handover point "
                + "(epoch 0, commit 42) at offset 57");
        assertThat(sim.calls).contains("freeze a");
        assertThat(json.out).contains("\"operation\":\"demote\"", "\"member\":\"a\"", "\"handoverCommitId\":42",
                "\"handoverOffset\":57");
        assertThat(standby.code).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(standby.err).contains("ha4neo demote: member 'b' (", "not demoted: this member is STANDBY, not "
                + "primary");
        assertThat(unknown.code).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err).contains("no member 'c' in the cluster file");
        assertThat(run("demote", "--help").out).contains("<member>", "handover point");
    }

    @Test
    void switchoverJsonCarriesEveryFigureAndEveryStep() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40);

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "switchover", "--to", "b", "--json");

        assertThat(run.code).as(run.err).isEqualTo(ExitCodes.OK);
        JsonNode json = new ObjectMapper().readTree(run.out);
        assertThat(json.get("operation").asText()).isEqualTo("switchover");
        assertThat(json.get("outcome").asText()).isEqualTo("DONE");
        assertThat(json.get("from").asText()).isEqualTo("a");
        assertThat(json.get("to").asText()).isEqualTo("b");
        assertThat(json.get("previousEpoch").asLong()).isZero();
        assertThat(json.get("epoch").asLong()).isEqualTo(1);
        assertThat(json.get("handoverCommitId").asLong()).isEqualTo(42);
        assertThat(json.get("handoverOffset").asLong()).isEqualTo(57);
        assertThat(json.get("rpoCommits").isIntegralNumber()).isTrue();
        assertThat(json.get("rpoCommits").asLong()).isZero();
        assertThat(json.get("rtoMillis").asLong()).isEqualTo(60);
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(json.get("steps")).hasSize(5);
        JsonNode freeze = json.get("steps").get(1);
        assertThat(freeze.get("step").asText()).isEqualTo("freeze");
        assertThat(freeze.get("member").asText()).isEqualTo("a");
        assertThat(freeze.get("millis").asLong()).isEqualTo(10);
        assertThat(freeze.get("ok").asBoolean()).isTrue();
        assertThat(json.get("summary").asText()).startsWith("switchover a -> b: epoch 0 -> 1");
    }

    @Test
    void jsonMayComeBeforeTheCommandToo() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40);

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "--json", "switchover", "--to", "b");

        assertThat(run.code).as(run.err).isEqualTo(ExitCodes.OK);
        assertThat(new ObjectMapper().readTree(run.out).get("epoch").asLong()).isEqualTo(1);
    }

    @Test
    void aRolledBackSwitchoverExitsOneNamingTheStepAndTheStateLeft() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40).lagging("b");

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "--timeout", "2s", "switchover", "--to",
                "b");

        assertThat(run.code).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(run.out).contains("awaitCommit  b  2020 ms  FAILED: commit 42 of epoch 0 not applied within 2000 "
                + "ms", "unfreeze     a     5 ms  client writes accepted again", "FAILED: switchover a -> b failed at "
                + "awaitCommit on b", "Rolled back: a is primary again with writes open");
    }

    @Test
    void eachStepWaitsThirtySecondsUnlessTimeoutSaysOtherwise() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40).lagging("b");

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "switchover", "--to", "b", "--json");

        assertThat(new ObjectMapper().readTree(run.out).get("error").asText()).contains("within 30000 ms");
    }

    @Test
    void aRefusedSwitchoverExitsOneAndCallsNothing() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40);

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "switchover", "--to", "a");

        assertThat(run.code).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(run.out).contains("REFUSED: a is the primary already; name a standby with --to");
        assertThat(sim.calls).containsExactly("probe");
    }

    @Test
    void aTargetTheClusterFileDoesNotHaveIsAUsageError() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").standby("b", 40);

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "switchover", "--to", "bb");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("ha4neo switchover: --to: no member 'bb' in the cluster file (did you mean "
                + "'b'?); members: a, b");
        assertThat(sim.calls).isEmpty();
        assertThat(run(sim, "--cluster", simulatedClusterFile().toString(), "switchover").err)
                .contains("Missing required option: '--to=<member>'");
    }

    @Test
    void failoverWhileThePrimaryIsUpExitsTwoUnlessForced() throws IOException {
        Path file = simulatedClusterFile();

        Run refused = run(new SimulatedCluster(42).primary("a").standby("b", 40), "--cluster", file.toString(),
                "failover", "--to", "b");
        Run forced = run(new SimulatedCluster(42).primary("a").standby("b", 40), "--cluster", file.toString(),
                "failover", "--to", "b", "--force");

        assertThat(refused.code).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.out).contains("REFUSED: member a is up and primary: use switchover; --force only if it is "
                + "cut off from its clients");
        assertThat(forced.code).as(forced.out).isEqualTo(ExitCodes.OK);
        assertThat(forced.out).contains("failover a -> b: epoch 0 -> 1 at (epoch 0, commit 42); RPO: the log ends at",
                "note: forced: a still reported primary");
    }

    @Test
    void failoverJsonHasTheRecoveryPointAndTime() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).primary("a").down("a").standby("b", 40);

        Run run = run(sim, "--cluster", simulatedClusterFile().toString(), "failover", "--to", "b", "--json");

        assertThat(run.code).isEqualTo(ExitCodes.OK);
        JsonNode json = new ObjectMapper().readTree(run.out);
        assertThat(json.get("operation").asText()).isEqualTo("failover");
        assertThat(json.get("rpoCommits").isNull()).isTrue();
        assertThat(json.get("rpo").asText()).startsWith("the log ends at (epoch 0, commit 42); anything a committed");
        assertThat(json.get("rtoMillis").asLong()).isEqualTo(15 + 8 + 20 + 30);
        assertThat(json.get("promoteAttempts").asInt()).isEqualTo(1);
    }

    @Test
    void rejoinOfAFencedMemberExitsOneAndListsItsTail() throws IOException {
        SimulatedCluster sim = new SimulatedCluster(42).fenced("a", List.of("commit 43")).standby("b", 42);

        Run fenced = run(sim, "--cluster", simulatedClusterFile().toString(), "rejoin", "a");
        Run discarded = run(sim, "--cluster", simulatedClusterFile().toString(), "rejoin", "a", "--discard-tail",
                "--json");

        assertThat(fenced.code).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(fenced.out).contains("rejoin a: still FENCED", "    commit 43", "ha4neo rejoin a --discard-tail");
        assertThat(discarded.code).isEqualTo(ExitCodes.OK);
        JsonNode json = new ObjectMapper().readTree(discarded.out);
        assertThat(json.get("role").asText()).isEqualTo("standby");
        assertThat(json.get("discardTail").asBoolean()).isTrue();
        assertThat(json.get("divergentTail").get(0).asText()).isEqualTo("commit 43");
        assertThat(json.get("commitId").asLong()).isEqualTo(42);
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

    @Test
    void verifyHelpNamesItsOptionsAndItsOwnExitCodes() {
        Run run = run("verify", "--help");

        assertThat(run.code).isZero();
        assertThat(run.out).contains("Usage: ha4neo verify", "--standby=<member>", "--primary=<member>",
                "--chunk-size=<ids>", "--rate=<ids/s>", "--rounds=<n>", "--max-differences=<n>", "--json",
                "replication key").containsPattern("(?m)^\\s+0\\s+equal: ")
                .containsPattern("(?m)^\\s+1\\s+different: ").containsPattern("(?m)^\\s+2\\s+verify could not tell");
        assertThat(run("--help").out).contains("verify");
    }

    @Test
    void verifyWithoutAStandbyOrWithAnUnknownOneIsAUsageError() throws IOException {
        Run missing = run("--cluster", clusterOnClosedPorts().toString(), "verify");
        Run unknown = run("--cluster", clusterOnClosedPorts().toString(), "--timeout", "1", "verify", "--standby",
                "bb", "--json");

        assertThat(missing.code).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err).contains("Missing required option: '--standby=<member>'");
        assertThat(unknown.code).isEqualTo(ExitCodes.USAGE);
        JsonNode json = new ObjectMapper().readTree(unknown.out);
        assertThat(json.get("outcome").asText()).isEqualTo("ERROR");
        assertThat(json.get("error").asText()).isEqualTo("no member 'bb' in the cluster file (did you mean 'b'?); "
                + "members: a, b");
    }

    @Test
    void verifyAgainstUnreachableMembersExitsTwoNamingTheStandby() throws IOException {
        Run run = run("--cluster", clusterOnClosedPorts().toString(), "--timeout", "1", "verify", "--standby", "b");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out).containsPattern("^ERROR: member 'b' \\(bolt://127.0.0.1:\\d+, zone z2\\) is unreachable "
                + "\\(.+\\), not a standby");
    }

    @Test
    void verifyRejectsAChunkSizeOutOfRange() throws IOException {
        Run run = run("--cluster", clusterOnClosedPorts().toString(), "verify", "--standby", "b", "--chunk-size", "0");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out).contains("ERROR: --chunk-size must be between 1 and 100000, not 0");
    }

    @Test
    void bootstrapHelpNamesItsOptionsAndExitCodes() {
        Run run = run("bootstrap", "--help");

        assertThat(run.code).isZero();
        assertThat(run.out).contains("Usage: ha4neo bootstrap", "--standby=<member>", "--primary=<member>",
                "--chunk-size=<entities>", "--rate=<entities/s>", "--reseed", "--stall-timeout=<duration>",
                "A rerun resumes the run the standby is in").containsPattern("(?m)^\\s+0\\s+ok: ")
                .containsPattern("(?m)^\\s+2\\s+usage or configuration error");
        assertThat(run("--help").out).contains("bootstrap");
    }

    @Test
    void bootstrapAgainstUnreachableMembersIsRefusedNamingTheStandby() throws IOException {
        Run run = run("--cluster", clusterOnClosedPorts().toString(), "--timeout", "1", "bootstrap", "--standby", "b",
                "--json");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        JsonNode json = new ObjectMapper().readTree(run.out);
        assertThat(json.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(json.get("run").isNull()).isTrue();
        assertThat(json.get("error").asText()).matches("member 'b' \\(bolt://127.0.0.1:\\d+, zone z2\\) is "
                + "unreachable \\(.+\\), not a standby.*");
    }

    @Test
    void bootstrapRejectsAChunkSizeOutOfRangeBeforeCallingAnyMember() throws IOException {
        Run run = run("--cluster", clusterOnClosedPorts().toString(), "bootstrap", "--standby", "b", "--chunk-size",
                "0");

        assertThat(run.code).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out).isEqualTo("REFUSED: --chunk-size must be between 1 and 100000, not 0" + System.lineSeparator());
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

    /** A cluster file with the members a and b of a {@link SimulatedCluster} (nothing listens on its ports). */
    private Path simulatedClusterFile() throws IOException {
        return Files.writeString(dir.resolve("simulated.json"), """
                {"clusterId": "dc1", "kafka": {"bootstrapServers": "127.0.0.1:%d"},
                 "members": [{"name": "a", "bolt": "bolt://127.0.0.1:%d"}, {"name": "b", "bolt": "bolt://127.0.0.1:%d"}]}
                """.formatted(closedPort(), closedPort(), closedPort()));
    }

    private static Run run(String... args) {
        return run(new OpsCli(Map.of("PW_B", "pw-of-b")::get), args);
    }

    /** The CLI with switchover, failover and rejoin talking to {@code cluster} instead of Bolt and Kafka. */
    private static Run run(SimulatedCluster cluster, String... args) {
        return run(new OpsCli(Map.<String, String>of()::get, clients -> cluster.seams()), args);
    }

    private static Run run(OpsCli ops, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(ops);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int code, String out, String err) {
    }
}
