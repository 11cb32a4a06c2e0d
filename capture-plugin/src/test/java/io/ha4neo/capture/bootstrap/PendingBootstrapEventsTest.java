package io.ha4neo.capture.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.StoreContent;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingBootstrapEventsTest {
    private static PendingBootstrapEvents.Attachment attachment(String run) {
        return new PendingBootstrapEvents.Attachment(new BootstrapMark(run, "s", BootstrapPhase.END, "p",
                StoreContent.EMPTY, 0, 0), List.of(), List.of(), List.of());
    }

    @Test
    void anAttachmentIsTakenOnceByItsTransactionOnly() {
        Object tx = new Object();
        Object other = new Object();
        PendingBootstrapEvents.Attachment a = attachment("r1");
        PendingBootstrapEvents.attach(tx, a);

        assertThat(PendingBootstrapEvents.take(other)).isEmpty();
        assertThat(PendingBootstrapEvents.take(tx)).containsSame(a);
        assertThat(PendingBootstrapEvents.take(tx)).isEmpty();
        assertThat(PendingBootstrapEvents.pending()).isZero();
    }

    @Test
    void keysAreComparedByIdentityNotEquality() {
        String tx = new String("same");
        PendingBootstrapEvents.attach(tx, attachment("r1"));
        try {
            assertThat(PendingBootstrapEvents.take(new String("same"))).isEmpty();
        } finally {
            PendingBootstrapEvents.take(tx);
        }
    }

    @Test
    void aSecondAttachmentToTheSameTransactionIsRefused() {
        Object tx = new Object();
        PendingBootstrapEvents.attach(tx, attachment("r1"));
        try {
            assertThatThrownBy(() -> PendingBootstrapEvents.attach(tx, attachment("r2")))
                    .hasMessageContaining("bootstrap run r2");
        } finally {
            PendingBootstrapEvents.take(tx);
        }
    }

    @Test
    void releaseRemovesOnlyTheGivenAttachment() {
        Object tx = new Object();
        PendingBootstrapEvents.Attachment mine = attachment("r1");
        PendingBootstrapEvents.Attachment next = attachment("r2");
        PendingBootstrapEvents.attach(tx, mine);
        PendingBootstrapEvents.release(tx, mine);
        assertThat(PendingBootstrapEvents.pending()).isZero();

        PendingBootstrapEvents.attach(tx, next); // the pooled kernel transaction serves the next commit
        PendingBootstrapEvents.release(tx, mine);
        assertThat(PendingBootstrapEvents.take(tx)).containsSame(next);
    }

    @Test
    void theCommitIdIsUnknownUntilCaptureReportsIt() {
        PendingBootstrapEvents.Attachment a = attachment("r1");
        assertThat(a.commitId()).isEqualTo(-1);
        a.committed(42);
        assertThat(a.commitId()).isEqualTo(42);
    }
}
