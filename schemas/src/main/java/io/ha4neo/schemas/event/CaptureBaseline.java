package io.ha4neo.schemas.event;

import java.util.Objects;

/**
 * Where the log begins: capture started for the first time on a database (no spool, nothing of the database in the
 * topic). It travels as the first event of the log ({@link TransactionEvent#baseline()}): no changes,
 * {@code previousCommitId} 0, and as {@code commitId} the store's last commit id when capture started, so the first
 * captured transaction follows it in the chain.
 *
 * <p>What the store held then ({@link #content()}) is not in the log. A standby that has no watermark holds all of it
 * only when it was nothing; otherwise it must be seeded first ({@code ha4neo bootstrap}), and the applier refuses to
 * apply the log onto it. A bootstrap seeds a standby up to this position, (epoch, commitId), or a later one.
 *
 * @param member name of the member capture first started on ({@code ha4neo.member.name}), for operators
 * @param content what the store held of user data when capture started
 */
public record CaptureBaseline(String member, StoreContent content) {
    public CaptureBaseline {
        member = Objects.requireNonNull(member, "member");
        content = Objects.requireNonNull(content, "content");
    }

    /** True when the store already held user data when capture began: a standby must be seeded before it follows. */
    public boolean storeHeldData() {
        return !content.isEmpty();
    }

    @Override
    public String toString() {
        return "capture's first start on member '" + member + "', on a store holding " + content;
    }
}
