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
 * The keepalived integration (ops/keepalived) against two real members a and b, each with the plugin (metrics on)
 * and an applier, through the real ops CLI jar. Tests 1-5 run the check and notify scripts as the processes
 * keepalived runs (same arguments, environment from the env file's variables, the VRRP state file between them), one
 * transition at a time; test 6 runs two real keepalived instances (Debian's package) in two network namespaces joined
 * by a veth pair, and lets VRRP decide. The tests run in order on one stack:
 * <ol>
 *   <li>check: both members healthy in their roles; a standby that holds the VIP (state MASTER) fails it;</li>
 *   <li>MASTER on the standby b while a is the primary: a switchover to b; b accepts writes, a follows;</li>
 *   <li>FAULT on the primary b: b demoted (writes refused, check fails), then MASTER on a: a primary again;</li>
 *   <li>split brain, both members MASTER at once: exactly one accepts writes afterwards;</li>
 *   <li>the primary killed with kill -9, MASTER on the other: switchover impossible, failover; one writable;</li>
 *   <li>real keepalived: the primary's member takes the VIP; its Neo4j killed, its check fails, the VIP and the
 *       primary role move to the other; it restarts as a standby and stays BACKUP; then VRRP is cut both ways (split
 *       brain): the standby takes the VIP and the primary role by a switchover, the old primary's check fails as
 *       MASTER and it gives the VIP up: one VIP, one writable member.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeepalivedIT {
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

    @Test
    @Order(6)
    void realKeepalivedMovesTheVipAndThePrimaryRoleTogetherAndEndsASplitBrainWithOneWritableMember() throws Exception {
        Vrrp.requireAvailable();
        String x = writable().get(0);
        String y = x.equals("a") ? "b" : "a";
        awaitRole(y, "standby", "fenced");
        if (role(y).equals("fenced")) {
            assertThat(io.ha4neo.it.support.OpsCliRun.of("--cluster", clusterFile().toString(), "rejoin", y,
                    "--discard-tail").code()).isZero();
            awaitRole(y, "standby");
        }
        Files.deleteIfExists(stateFile(x));
        Files.deleteIfExists(stateFile(y));
        try (Vrrp vrrp = new Vrrp(dir.resolve("vrrp"))) {
            vrrp.start(x, 150, scriptEnv(x));
            vrrp.start(y, 100, scriptEnv(y));
            vrrp.awaitVip(x);
            awaitState(x, "MASTER");
            awaitState(y, "BACKUP");
            assertThat(writable()).containsExactly(x);

            STACK.get().server(x).kill(); // x's check fails, x goes FAULT, y becomes MASTER and fails over to itself
            vrrp.awaitVip(y);
            awaitWritable(y);
            assertThat(vrrp.vipHolders()).containsExactly(y);
            write(y, "after-keepalived-failover");

            STACK.get().server(x).start();
            awaitRole(x, "standby", "fenced");
            if (role(x).equals("fenced")) {
                assertThat(io.ha4neo.it.support.OpsCliRun.of("--cluster", clusterFile().toString(), "rejoin", x,
                        "--discard-tail").code()).isZero();
                awaitRole(x, "standby");
            }
            awaitState(x, "BACKUP"); // healthy again: out of FAULT; nopreempt keeps y MASTER
            assertThat(vrrp.vipHolders()).containsExactly(y);

            vrrp.cutVrrp(); // split brain: x hears no adverts and becomes MASTER too
            awaitState(x, "MASTER");
            awaitWritable(x); // x's notify switched the primary role over: y was reachable over Bolt
            awaitState(y, "FAULT"); // y holds the VIP as MASTER but accepts no writes: its check fails
            assertThat(vrrp.vipHolders()).containsExactly(x);
            assertThat(writable()).containsExactly(x);
            write(x, "after-split-brain");
            System.out.println("real keepalived: VIP and primary moved " + x + " -> " + y + " (kill -9) -> " + x
                    + " (split brain); one VIP holder, one writable member");
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static String role(String member) {
        try (Driver d = STACK.get().server(member).driver(); Session s = d.session()) {
            return s.run(ProcedureNames.call(ProcedureNames.STATUS)).single().get(StatusColumns.ROLE).asString();
        }
    }

    private static void awaitWritable(String member) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!writable().equals(List.of(member))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not only " + member + " writable within 120 s: " + writable());
            }
            Thread.sleep(250);
        }
    }

    private static void awaitState(String member, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = Files.exists(stateFile(member)) ? Files.readString(stateFile(member)).strip() : "(none)";
            if (last.equals(state)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(member + "'s VRRP state not " + state + " within 120 s; last " + last);
    }

    /** The environment the scripts read from keepalived.env, as variables. */
    private static Map<String, String> scriptEnv(String member) throws IOException {
        return Map.of("HA4NEO_MEMBER", member, "HA4NEO_CLUSTER", clusterFile().toString(),
                "HA4NEO_METRICS_URL", "http://127.0.0.1:" + (member.equals("a") ? A_METRICS : B_METRICS) + "/metrics",
                "HA4NEO_DATABASE", TestStack.DATABASE, "HA4NEO_STATE_FILE", stateFile(member).toString(),
                "HA4NEO_OPS_CLI", ChildProcess.javaBinary() + " -jar " + STACK.get().layout().opsCliJar());
    }

    /**
     * Two keepalived instances, one per member, each in a network namespace of its own, joined by a veth pair
     * (10.213.57.1 and .2, unicast VRRP, VIP 10.213.57.100). Their check and notify scripts are ops/keepalived's,
     * run through nsenter in this JVM's network namespace, where the members' Bolt and metrics ports listen on
     * 127.0.0.1. Everything is removed on close.
     */
    private static final class Vrrp implements AutoCloseable {
        private static final String VIP = "10.213.57.100";
        private final Path dir;
        private final String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
        private final Map<String, Process> keepaliveds = new java.util.LinkedHashMap<>();
        private final Map<String, String> namespaces = new java.util.LinkedHashMap<>();
        private final List<String> members = new ArrayList<>();
        private final List<String> created = new ArrayList<>(); // namespaces to delete (the veth pair goes with them)

        Vrrp(Path dir) throws Exception {
            this.dir = Files.createDirectories(dir);
        }

        /** Skips the test, naming what is missing, where keepalived or network namespaces are not available. */
        static void requireAvailable() throws Exception {
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/keepalived")),
                    "keepalived is not installed (.ci/run installs Debian's package): real-keepalived test skipped");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/iptables")),
                    "iptables is not installed (.ci/run installs Debian's package): real-keepalived test skipped");
            Run probe = exec("ip", "netns", "add", "h4n-probe-" + ProcessHandle.current().pid());
            exec("ip", "netns", "del", "h4n-probe-" + ProcessHandle.current().pid());
            org.junit.jupiter.api.Assumptions.assumeTrue(probe.code() == 0, "cannot create a network namespace "
                    + "(needs root): real-keepalived test skipped: " + probe.out());
        }

        void start(String member, int priority, Map<String, String> env) throws Exception {
            if (members.isEmpty()) {
                link();
            }
            int index = members.size() + 1; // the first member started gets namespace 1 and 10.213.57.1
            int peer = 3 - index;
            String ns = "h4n-" + tag + "-" + index;
            String veth = "h4v" + tag + (index == 1 ? "a" : "b");
            members.add(member);
            namespaces.put(member, ns);
            Path envFile = dir.resolve("keepalived-" + member + ".env");
            StringBuilder lines = new StringBuilder();
            env.forEach((k, v) -> lines.append(k).append("='").append(v).append("'\n"));
            Files.writeString(envFile, lines);
            Path scripts = STACK.get().layout().projectDir().resolve("ops/keepalived");
            String inHostNet = "/usr/bin/nsenter --net=/proc/" + ProcessHandle.current().pid() + "/ns/net /usr/bin/env "
                    + "HA4NEO_KEEPALIVED_ENV=" + envFile + " /bin/bash ";
            Path conf = dir.resolve("keepalived-" + member + ".conf");
            Files.writeString(conf, """
                    global_defs {
                        script_user root
                    }
                    vrrp_script ha4neo_check {
                        script "%1$s%2$s"
                        interval 1
                        timeout 5
                        fall 2
                        rise 1
                    }
                    vrrp_instance ha4neo_neo4j {
                        state BACKUP
                        nopreempt
                        interface %3$s
                        virtual_router_id 57
                        priority %4$d
                        advert_int 1
                        unicast_src_ip 10.213.57.%5$d
                        unicast_peer {
                            10.213.57.%6$d
                        }
                        virtual_ipaddress {
                            %7$s/24 dev %3$s
                        }
                        track_script {
                            ha4neo_check
                        }
                        notify "%1$s%8$s"
                    }
                    """.formatted(inHostNet, scripts.resolve("ha4neo-check"), veth, priority, index, peer, VIP,
                    scripts.resolve("ha4neo-notify")));
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/keepalived", "-n", "-l", "-D",
                    "--vrrp", "-f", conf.toString(), "-p", dir.resolve(member + ".pid").toString(), "-r",
                    dir.resolve(member + "-vrrp.pid").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("keepalived-" + member + ".log").toFile())
                    .start();
            keepaliveds.put(member, p);
        }

        /** Two namespaces joined by a veth pair, each end with its address, up. */
        private void link() throws Exception {
            String a = "h4n-" + tag + "-1";
            String b = "h4n-" + tag + "-2";
            String va = "h4v" + tag + "a";
            String vb = "h4v" + tag + "b";
            exec("ip", "netns", "del", a);
            exec("ip", "netns", "del", b);
            must("ip", "netns", "add", a);
            created.add(a);
            must("ip", "netns", "add", b);
            created.add(b);
            must("ip", "link", "add", va, "type", "veth", "peer", "name", vb);
            must("ip", "link", "set", va, "netns", a);
            must("ip", "link", "set", vb, "netns", b);
            must("ip", "-n", a, "addr", "add", "10.213.57.1/24", "dev", va);
            must("ip", "-n", b, "addr", "add", "10.213.57.2/24", "dev", vb);
            for (String[] nsDev : new String[][] {{a, va}, {b, vb}, {a, "lo"}, {b, "lo"}}) {
                must("ip", "-n", nsDev[0], "link", "set", nsDev[1], "up");
            }
        }

        /** Drops VRRP adverts in both namespaces: neither instance hears the other. */
        void cutVrrp() throws Exception {
            for (String ns : namespaces.values()) {
                must("ip", "netns", "exec", ns, "/usr/sbin/iptables", "-A", "OUTPUT", "-p", "vrrp", "-j", "DROP");
            }
        }

        /** The members whose namespace holds the VIP now. */
        List<String> vipHolders() throws Exception {
            List<String> holders = new ArrayList<>();
            for (var e : namespaces.entrySet()) {
                if (exec("ip", "-n", e.getValue(), "addr", "show").out().contains(VIP + "/")) {
                    holders.add(e.getKey());
                }
            }
            return holders;
        }

        void awaitVip(String member) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!vipHolders().equals(List.of(member))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the VIP is not on " + member + " alone within 120 s: " + vipHolders()
                            + "; keepalived logs:\n" + log("a") + "\n" + log("b"));
                }
                Thread.sleep(250);
            }
        }

        String log(String member) {
            try {
                Path log = dir.resolve("keepalived-" + member + ".log");
                return Files.exists(log) ? Files.readString(log) : "(no log)";
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws Exception {
            for (Process p : keepaliveds.values()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            for (Process p : keepaliveds.values()) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
            for (String ns : created) {
                exec("ip", "netns", "del", ns);
            }
        }

        private static void must(String... command) throws Exception {
            Run r = exec(command);
            if (r.code() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + r.code() + "): " + r.out());
            }
        }

        private static Run exec(String... command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        }
    }

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
