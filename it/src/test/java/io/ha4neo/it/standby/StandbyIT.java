package io.ha4neo.it.standby;

import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.ProcedureNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.launcher.process.Neo4jRelease;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProjectLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.ClientException;

/**
 * The read-only standby: every client write path is rejected with the documented message and changes nothing;
 * the applier's identity (metadata plus user, with authentication on) is what lets writes through; role changes
 * are atomic with respect to commits under concurrent load.
 *
 * <p>The servers run Neo4j 5.26 LTS; {@link StandbyOnCalendarReleaseIT} runs the same tests on the calendar release.
 */
class StandbyIT {
    private static final String MESSAGE = "is a read-only standby of replication cluster 'local' (ha4neo role STANDBY); "
            + "send writes to the primary";
    private static final String ADMIN_PASSWORD = "standby-admin-1";
    private static final String APPLIER_PASSWORD = "applier-pass-1";
    private static final TransactionConfig APPLIER_TAG = TransactionConfig.builder()
            .withMetadata(Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build();

    /** The Neo4j release of the servers. */
    Neo4jRelease release() {
        return Neo4jRelease.LTS_5_26;
    }

    @Test
    void standbyRejectsEveryClientWritePathAndOnlyTheApplierUserWithItsTagMayWrite() throws Exception {
        // Compiled against 5.26's jars by this JVM (Java 17) for every release: like the plugin, one jar serves both.
        Path procJar = WritingProcedureJar.build(ProjectLayout.discover(Path.of("")).neo4jLibDir(),
                TestStack.workRoot().resolve("standby-guard-proc"));
        try (TestStack stack = TestStack.builder("standby-guard", release())
                .withStandby("standby", s -> s.password(ADMIN_PASSWORD).plugin(procJar)
                        .setting("ha4neo.applier.user", "applier")).start()) {
            Neo4jServer standby = stack.server("standby");
            assertThat(stack.neo4jVersion("standby")).startsWith(release().label() + ".");
            try (Driver admin = standby.driver()) {
                try (Session system = admin.session(SessionConfig.forDatabase("system"))) {
                    system.run("CREATE USER applier SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", APPLIER_PASSWORD)).consume();
                }
                try (Session s = admin.session()) {
                    assertThat(s.run(ProcedureNames.call(ProcedureNames.ROLE)).single().get(ProcedureNames.ROLE_COLUMN).asString()).isEqualTo("standby");
                }
            }
            try (Driver applier = GraphDatabase.driver(standby.boltUri(), AuthTokens.basic("applier", APPLIER_PASSWORD))) {
                write(applier, APPLIER_TAG, "CREATE (:Applied {v: 1})");
            }
            try (Driver admin = standby.driver()) {
                everyWritePathIsRejected(admin);
                assertThat(count(admin, "MATCH (n) RETURN count(n)")).isEqualTo(1);
                assertThat(count(admin, "MATCH (n:Applied {v: 1}) WHERE n.touched IS NULL RETURN count(n)")).isEqualTo(1);
                assertThat(count(admin, "SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*)")).isZero();
                assertThat(count(admin, "SHOW CONSTRAINTS YIELD name RETURN count(*)")).isZero();
                readsWorkNormally(admin);
                assertRejected(() -> write(admin, APPLIER_TAG, "CREATE (:Spoofed)"));
            }
            try (Driver applier = GraphDatabase.driver(standby.boltUri(), AuthTokens.basic("applier", APPLIER_PASSWORD))) {
                write(applier, APPLIER_TAG, "MATCH (n:Applied) SET n.v = 2");
                write(applier, APPLIER_TAG, "CREATE CONSTRAINT applied_v IF NOT EXISTS FOR (a:Applied) REQUIRE a.v IS UNIQUE");
                assertRejected(() -> write(applier, TransactionConfig.empty(), "CREATE (:UntaggedByApplierUser)"));
                assertThat(count(applier, "MATCH (n:Applied {v: 2}) RETURN count(n)")).isEqualTo(1);
                assertThat(count(applier, "MATCH (n) RETURN count(n)")).isEqualTo(1);
                assertThat(count(applier, "SHOW CONSTRAINTS YIELD name WHERE name = 'applied_v' RETURN count(*)")).isEqualTo(1);
            }
        }
    }

    private static void everyWritePathIsRejected(Driver driver) {
        List<String> statements = List.of(
                "CREATE (:Person {name: 'x'})",
                "MERGE (:Person {name: 'y'})",
                "MATCH (n:Applied) SET n.touched = true",
                "MATCH (n:Applied) REMOVE n.v",
                "MATCH (n:Applied) SET n:Extra",
                "MATCH (n:Applied) DETACH DELETE n",
                "CREATE INDEX person_name FOR (p:Person) ON (p.name)",
                "CREATE CONSTRAINT person_name_unique FOR (p:Person) REQUIRE p.name IS UNIQUE",
                "CALL test.createNode('via-procedure')");
        for (String cypher : statements) {
            assertRejected(() -> autoCommit(driver, cypher));
            assertRejected(() -> explicit(driver, cypher));
            assertRejected(() -> write(driver, TransactionConfig.empty(), cypher));
        }
        assertRejected(() -> autoCommit(driver, "CREATE (n:Temp) SET n.v = 1 WITH n DELETE n CREATE (:Kept)"));
    }

    private static void readsWorkNormally(Driver driver) {
        try (Session s = driver.session()) {
            assertThat(s.run("RETURN 1 AS one").single().get("one").asInt()).isEqualTo(1);
            assertThat(s.run(ProcedureNames.call(ProcedureNames.STATUS)).single().get(StatusColumns.ROLE).asString()).isEqualTo("standby");
        }
    }

    private static void assertRejected(Runnable write) {
        assertThatThrownBy(write::run).isInstanceOf(ClientException.class).hasMessageContaining(MESSAGE);
    }

    private static void autoCommit(Driver driver, String cypher) {
        try (Session s = driver.session()) {
            s.run(cypher).consume();
        }
    }

    private static void explicit(Driver driver, String cypher) {
        try (Session s = driver.session(); Transaction tx = s.beginTransaction()) {
            tx.run(cypher).consume();
            tx.commit();
        }
    }

    private static void write(Driver driver, TransactionConfig config, String cypher) {
        try (Session s = driver.session()) {
            s.executeWrite(tx -> tx.run(cypher).consume(), config);
        }
    }

    private static long count(Driver driver, String cypher) {
        try (Session s = driver.session()) {
            return s.run(cypher).single().get(0).asLong();
        }
    }

    @Test
    void noWriteCommitsWhileTheMemberIsStandbyDuringRoleSwitchesUnderLoad() throws Exception {
        try (TestStack stack = TestStack.builder("standby-switch", release()).withBroker().withPrimary("primary").start();
             Driver driver = stack.server("primary").driver()) {
            assertThat(stack.neo4jVersion("primary")).startsWith(release().label() + ".");
            List<long[]> attempts = new CopyOnWriteArrayList<>(); // {start, end, succeeded, seq}
            List<long[]> standbyWindows = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger seq = new AtomicInteger();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                Thread t = new Thread(() -> writeUntilStopped(driver, stop, seq, attempts));
                t.start();
                writers.add(t);
            }
            for (int round = 0; round < 5; round++) {
                Thread.sleep(300);
                setRole(driver, "standby");
                long standbyFrom = System.nanoTime();
                Thread.sleep(400);
                long standbyTo = System.nanoTime();
                setRole(driver, "primary");
                standbyWindows.add(new long[] {standbyFrom, standbyTo});
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            long succeeded = attempts.stream().filter(a -> a[2] == 1).count();
            assertThat(succeeded).isGreaterThan(50);
            assertThat(attempts.stream().filter(a -> a[2] == 0).count()).as("writes rejected while standby").isGreaterThan(0);
            for (long[] a : attempts) {
                for (long[] window : standbyWindows) {
                    boolean insideWindow = a[0] >= window[0] && a[1] <= window[1];
                    assertThat(insideWindow && a[2] == 1).as("write %d committed entirely inside a standby window", a[3]).isFalse();
                }
            }
            assertThat(count(driver, "MATCH (n:SwitchLoad) RETURN count(n)")).as("nodes = successful writes").isEqualTo(succeeded);
            assertThatThrownBy(() -> setRole(driver, "primary")).hasMessageContaining("already PRIMARY");
        }
    }

    private static void writeUntilStopped(Driver driver, AtomicBoolean stop, AtomicInteger seq, List<long[]> attempts) {
        try (Session s = driver.session()) {
            while (!stop.get()) {
                int n = seq.incrementAndGet();
                long start = System.nanoTime();
                long ok;
                try {
                    s.run("CREATE (:SwitchLoad {seq: $n})", Map.of("n", n)).consume();
                    ok = 1;
                } catch (ClientException e) {
                    assertThat(e.getMessage()).contains(MESSAGE);
                    ok = 0;
                }
                attempts.add(new long[] {start, System.nanoTime(), ok, n});
            }
        }
    }

    private static void setRole(Driver driver, String role) {
        try (Session s = driver.session()) {
            s.run("CALL " + ProcedureNames.SET_ROLE + "($r)", Map.of("r", role)).consume();
        }
    }
}
