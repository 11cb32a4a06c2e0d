package io.ha4neo.it.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.ChildProcess;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.StatusColumns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * The keepalived integration (ops/keepalived): its check and notify scripts, run as the processes keepalived runs
 * (same arguments, environment from the env file's variables, the VRRP state file between them), against two real
 * members a and b, each with the plugin (metrics on) and an applier, through the real ops CLI jar. keepalived itself
 * does not run here: VRRP elections are keepalived's; what is tested is what each transition does to the members.
 * The tests run in order on one stack:
 * <ol>
 *   <li>check: both members healthy in their roles; a standby that holds the VIP (state MASTER) fails it;</li>
 *   <li>MASTER on the standby b while a is the primary: a switchover to b; b accepts writes, a follows;</li>
 *   <li>FAULT on the primary b: b demoted (writes refused, check fails), then MASTER on a: a primary again;</li>
 *   <li>split brain, both members MASTER at once: exactly one accepts writes afterwards;</li>
 *   <li>the primary killed with kill -9, MASTER on the other: switchover impossible, failover; one writable.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeepalivedScriptsIT {
    private static final int A_METRICS = FreePorts.next();
    private static final int B_METRICS = FreePorts.next();

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("roles-keepalived")
            .withBroker()
            .withPrimary("a", s -> s.setting("ha4neo.metrics.port", Integer.toString(A_METRICS)))
            .withStandby("b", s -> s.setting("ha4neo.metrics.port", Integer.toString(B_METRICS)))
            .withApplier("a").withApplier("b").start());

    @TempDir
    static Path dir;

    @Test
    @Order(1)
    void theCheckPassesForAHealthyMemberInEitherRoleAndFailsForAStandbyHoldingTheVip() throws Exception {
        assertThat(check("a").code()).as(check("a").toString()).isZero();
        assertThat(check("b").code()).as(check("b").toString()).isZero();

        Files.writeString(stateFile("b"), "MASTER\n");
        Run masterStandby = check("b");
        assertThat(masterStandby.code()).isEqualTo(1);
        assertThat(masterStandby.out()).contains("VRRP state MASTER but database 'neo4j' does not accept writes");
        Files.writeString(stateFile("b"), "BACKUP\n");
        assertThat(check("b").code()).isZero();
    }

    @Test
    @Order(2)
    void masterOnTheStandbySwitchesThePrimaryRoleToIt() throws Exception {
        Run notify = notify("b", "MASTER");

        assertThat(notify.code()).as(notify.toString()).isZero();
        assertThat(notify.out()).contains("MASTER: switchover to b done");
        assertThat(Files.readString(stateFile("b")).strip()).isEqualTo("MASTER");
        assertThat(writable()).containsExactly("b");
        assertThat(check("b").code()).isZero();
        write("b", "after-master-on-b");
        awaitRole("a", "standby");
        assertThat(notify("a", "BACKUP").code()).isZero();
        assertThat(check("a").code()).as("a standby in BACKUP").isZero();
    }

    @Test
    @Order(3)
    void faultOnThePrimaryDemotesItAndMasterOnTheOtherPromotesThatOne() throws Exception {
        Run fault = notify("b", "FAULT");

        assertThat(fault.code()).as(fault.toString()).isZero();
        assertThat(fault.out()).contains("FAULT: b demoted");
        assertThat(writable()).isEmpty();
        assertThatThrownBy(() -> write("b", "to-the-demoted")).hasMessageContaining("is not accepting writes");
        Files.writeString(stateFile("b"), "MASTER\n");
        assertThat(check("b").code()).as("a demoted member fails the check as MASTER").isEqualTo(1);
        Files.writeString(stateFile("b"), "FAULT\n");

        Run master = notify("a", "MASTER");
        assertThat(master.code()).as(master.toString()).isZero();
        assertThat(writable()).containsExactly("a");
        write("a", "after-master-on-a");
        awaitRole("b", "standby");
    }

    @Test
    @Order(4)
    void whenBothMembersBelieveTheyAreMasterExactlyOneAcceptsWrites() throws Exception {
        CompletableFuture<Run> onA = CompletableFuture.supplyAsync(() -> notifyUnchecked("a", "MASTER"));
        CompletableFuture<Run> onB = CompletableFuture.supplyAsync(() -> notifyUnchecked("b", "MASTER"));
        Run a = onA.get(3, TimeUnit.MINUTES);
        Run b = onB.get(3, TimeUnit.MINUTES);

        List<String> writable = writable();
        assertThat(writable).as("split brain: a %s%nb %s", a, b).hasSize(1);
        String primary = writable.get(0);
        String other = primary.equals("a") ? "b" : "a";
        write(primary, "after-split-brain");
        awaitRole(other, "standby");
        assertThatThrownBy(() -> write(other, "to-the-other")).hasMessageContaining("standby");
        assertThat(check(other).code()).as("the other holds the VIP as MASTER but is no writable primary: its "
                + "check fails, keepalived moves it to FAULT").isEqualTo(1);
        assertThat(notify(other, "FAULT").out()).contains("accepts no writes; nothing to demote");
        System.out.println("split brain: " + primary + " is the one writable member");
    }

    @Test
    @Order(5)
    void masterAfterThePrimaryWasKilledFailsOverToTheStandby() throws Exception {
        String primary = writable().get(0);
        String standby = primary.equals("a") ? "b" : "a";
        STACK.get().server(primary).kill();

        Run master = notify(standby, "MASTER");

        assertThat(master.code()).as(master.toString()).isZero();
        assertThat(master.out()).contains("trying a failover").contains("MASTER: failover to " + standby + " done");
        assertThat(writable()).containsExactly(standby);
        write(standby, "after-failover");
        STACK.get().server(primary).start();
        awaitRole(primary, "standby", "fenced");
        assertThat(writable()).as("the restarted old primary found the newer epoch").containsExactly(standby);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private record Run(int code, String out) {
    }

    private static Run check(String member) throws Exception {
        return script("ha4neo-check", member);
    }

    private static Run notify(String member, String state) throws Exception {
        return script("ha4neo-notify", member, "INSTANCE", "ha4neo_neo4j", state, "100");
    }

    private static Run notifyUnchecked(String member, String state) {
        try {
            return notify(member, state);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a script of ops/keepalived as keepalived would, with the environment its env file gives it. */
    private static Run script(String name, String member, String... args) throws Exception {
        TestStack stack = STACK.get();
        Path script = stack.layout().projectDir().resolve("ops/keepalived").resolve(name);
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("HA4NEO_KEEPALIVED_ENV", dir.resolve("no-such-env-file").toString());
        env.put("HA4NEO_MEMBER", member);
        env.put("HA4NEO_CLUSTER", clusterFile().toString());
        env.put("HA4NEO_METRICS_URL", "http://127.0.0.1:" + (member.equals("a") ? A_METRICS : B_METRICS) + "/metrics");
        env.put("HA4NEO_DATABASE", TestStack.DATABASE);
        env.put("HA4NEO_STATE_FILE", stateFile(member).toString());
        env.put("HA4NEO_OPS_CLI", ChildProcess.javaBinary() + " -jar " + stack.layout().opsCliJar());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("%s %s finished", name, member).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Path stateFile(String member) throws IOException {
        Path d = dir.resolve("state-" + member);
        Files.createDirectories(d);
        return d.resolve("keepalived-state");
    }

    private static synchronized Path clusterFile() throws IOException {
        Path file = dir.resolve("cluster.json");
        if (!Files.exists(file)) {
            STACK.get().writeClusterFile(file, List.of("a", "b"));
        }
        return file;
    }

    /** The members that accept client writes, by their own status. */
    private static List<String> writable() {
        List<String> writable = new ArrayList<>();
        for (String m : List.of("a", "b")) {
            try (Driver d = STACK.get().server(m).driver(); Session s = d.session()) {
                Record r = s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
                if (r.get(StatusColumns.ROLE).asString().equals("primary") && !r.get(StatusColumns.FROZEN).asBoolean()) {
                    writable.add(m);
                }
            } catch (RuntimeException e) {
                // down: not writable
            }
        }
        return writable;
    }

    private static void write(String member, String tag) {
        try (Driver d = STACK.get().server(member).driver(); Session s = d.session()) {
            s.executeWriteWithoutResult(tx -> tx.run("CREATE (:Keepalived {tag: $t})", Map.of("t", tag)).consume());
        }
    }

    private static void awaitRole(String member, String... roles) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try (Driver d = STACK.get().server(member).driver(); Session s = d.session()) {
                last = s.run(ProcedureNames.call(ProcedureNames.STATUS)).single().get(StatusColumns.ROLE).asString();
                if (List.of(roles).contains(last)) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(member + " not " + List.of(roles) + " within 90 s; last " + last);
    }
}
