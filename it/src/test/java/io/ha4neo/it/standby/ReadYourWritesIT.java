package io.ha4neo.it.standby;

import io.ha4neo.schemas.contract.ProcedureNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.it.support.TestStack;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.ClientException;

/**
 * Read-your-writes across members: a client writes on the primary, takes a token with {@code ha4neo.bookmark()},
 * waits on the standby with {@code ha4neo.awaitCommit(token)}, and then always reads its write there.
 */
class ReadYourWritesIT {

    @Test
    void aReadOnTheStandbyAfterAwaitingTheBookmarkAlwaysSeesTheWrite() throws Exception {
        try (TestStack stack = TestStack.builder("ryw").withBroker().withPrimary("primary").withStandby("standby")
                .withApplier("standby").start();
             Driver primary = stack.server("primary").driver();
             Driver standby = stack.server("standby").driver()) {
            for (int i = 0; i < 200; i++) {
                long token;
                int seq = i;
                try (Session s = primary.session()) {
                    s.executeWrite(tx -> tx.run("CREATE (:Mine {seq: $seq})", Map.of("seq", seq)).consume());
                    token = s.run(ProcedureNames.call(ProcedureNames.BOOKMARK)).single().get(ProcedureNames.COMMIT_ID_COLUMN).asLong();
                }
                try (Session s = standby.session()) {
                    long applied = s.run("CALL " + ProcedureNames.AWAIT_COMMIT + "($c, 30000)", Map.of("c", token)).single()
                            .get(ProcedureNames.COMMIT_ID_COLUMN).asLong();
                    assertThat(applied).isGreaterThanOrEqualTo(token);
                    assertThat(s.run("MATCH (n:Mine {seq: $seq}) RETURN count(n) AS c", Map.of("seq", seq)).single()
                            .get("c").asLong()).as("read on the standby after awaiting commit %d", token).isEqualTo(1);
                }
            }
            long last;
            try (Session s = primary.session()) {
                last = s.run(ProcedureNames.call(ProcedureNames.BOOKMARK)).single().get(ProcedureNames.COMMIT_ID_COLUMN).asLong();
            }
            try (Session s = standby.session()) {
                assertThatThrownBy(() -> s.run("CALL " + ProcedureNames.AWAIT_COMMIT + "($c, 500)", Map.of("c", last + 1000)).consume())
                        .isInstanceOf(ClientException.class)
                        .hasMessageContaining("commit id " + (last + 1000) + " was not applied on this standby within 500 ms")
                        .hasMessageContaining("applied up to (epoch 0, commit ");
            }
        }
    }
}
