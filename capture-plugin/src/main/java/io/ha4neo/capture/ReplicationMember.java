package io.ha4neo.capture;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.capture.standby.CommitGate;
import io.ha4neo.capture.standby.ReplicaProgress;
import io.ha4neo.capture.standby.RoleFile;
import io.ha4neo.capture.standby.WriteGuard;
import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.config.ConfigException;
import io.ha4neo.schemas.topology.Role;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.InternalLog;

/**
 * One replicated database on this Neo4j process, in its current {@link Role}. Owns the write guard (always
 * registered), the capture service (while primary) and the standby's view of applied progress.
 *
 * <p>Role changes ({@link #changeRole}) close the {@link CommitGate}, wait for in-flight commits, switch and
 * persist the role, reopen the gate, then start or stop capture. Allowed transitions: PRIMARY → STANDBY and
 * STANDBY → PRIMARY; asking for the current role is refused.
 */
public final class ReplicationMember {
    private static final long ROLE_CHANGE_TIMEOUT_MS = 30_000;

    private final CaptureConfig config;
    private final DatabaseManagementService dbms;
    private final LongSupplier lastCommittedId;
    private final InternalLog log;
    private final RoleFile roleFile;
    private final CommitGate gate = new CommitGate();
    private final ReplicaProgress progress = new ReplicaProgress();
    private final WriteGuard guard;
    private final boolean authEnabled;
    private volatile Role role;
    /** Written under this object's monitor (role changes); read without it, so status never waits for a change. */
    private volatile CaptureService capture;

    ReplicationMember(CaptureConfig config, DatabaseManagementService dbms, LongSupplier lastCommittedId,
                      InternalLog log, boolean authEnabled) {
        this.config = config;
        this.dbms = dbms;
        this.lastCommittedId = lastCommittedId;
        this.log = log;
        this.roleFile = new RoleFile(config.spoolDir());
        this.authEnabled = authEnabled;
        this.guard = new WriteGuard(() -> role, gate, progress, config.clusterId(), authEnabled, config.applierUser(),
                config.captureApplierWrites());
    }

    /** Takes the persisted role (or the configured one), guards writes, and captures when primary. */
    synchronized void start() throws Exception {
        role = roleFile.read().orElse(config.role());
        requireApplierUserIfStandby(role);
        if (role != config.role()) {
            log.warn("ha4neo: database '%s' starts as %s, the role last set with ha4neo.setRole (%s), not ha4neo.role=%s",
                    config.database(), role, roleFile.path(), config.role().name().toLowerCase(Locale.ROOT));
        }
        dbms.registerTransactionEventListener(config.database(), guard);
        if (role == Role.PRIMARY) {
            startCapture(false);
        }
    }

    synchronized void stop() throws InterruptedException {
        stopCapture();
        dbms.unregisterTransactionEventListener(config.database(), guard);
    }

    /** Changes the role at runtime; see the class comment for the guarantees. */
    public synchronized Role changeRole(Role next) throws Exception {
        Role previous = role;
        if (next == previous) {
            throw new IllegalArgumentException("database '" + config.database() + "' is already " + previous
                    + "; allowed transitions are PRIMARY -> STANDBY and STANDBY -> PRIMARY");
        }
        requireApplierUserIfStandby(next);
        try {
            gate.exclusively(ROLE_CHANGE_TIMEOUT_MS, () -> {
                roleFile.write(next);
                role = next;
            });
        } catch (TimeoutException e) {
            throw new IllegalStateException("role of database '" + config.database() + "' not changed: " + e.getMessage(), e);
        }
        log.info("ha4neo: database '%s' changed role %s -> %s (persisted in %s)", config.database(), previous, next,
                roleFile.path());
        if (next == Role.PRIMARY) {
            startCapture(true);
        } else {
            stopCapture();
        }
        return previous;
    }

    /** With authentication on, a standby must know which user the applier is, or nobody could write to it. */
    private void requireApplierUserIfStandby(Role r) {
        if (r == Role.STANDBY && authEnabled && config.applierUser().isBlank()) {
            throw new ConfigException(CaptureConfig.PREFIX + "applier.user", "is required for a standby when "
                    + "dbms.security.auth_enabled=true: only that user's transactions tagged ha4neo.applier=true may "
                    + "write to a standby; set it to the user the sink applier logs in as");
        }
    }

    private void startCapture(boolean promoted) throws Exception {
        capture = new CaptureService(config, dbms, lastCommittedId, log);
        capture.start(promoted);
    }

    private void stopCapture() throws InterruptedException {
        if (capture != null) {
            capture.stop();
            capture = null;
        }
    }

    public Role role() {
        return role;
    }

    public String database() {
        return config.database();
    }

    /** Read-your-writes token on a primary (see {@link CaptureService#bookmark}). */
    public long bookmark(long timeoutMillis) throws InterruptedException {
        CaptureService capture = this.capture; // polls without the monitor: status and role changes stay free
        if (capture == null) {
            throw new IllegalStateException("database '" + config.database() + "' is a " + role
                    + "; ask the primary for a commit id");
        }
        return capture.bookmark(timeoutMillis);
    }

    /**
     * Blocks until the standby has applied {@code commitId}; throws with the current lag on timeout.
     *
     * @param tx a transaction of the calling procedure, used once to read the watermark
     */
    public long awaitApplied(long commitId, long timeoutMillis, Transaction tx) throws InterruptedException {
        initProgress(tx);
        if (!progress.await(commitId, timeoutMillis)) {
            long applied = progress.appliedCommitId();
            throw new IllegalStateException("commit id " + commitId + " was not applied on this standby within "
                    + timeoutMillis + " ms: applied up to commit id " + applied + " (" + (commitId - applied)
                    + " commit ids behind, last apply " + agoMillis(progress.appliedAtMillis()) + " ms ago). "
                    + "Check the sink applier's lag (/metrics) and retry or read from the primary");
        }
        return progress.appliedCommitId();
    }

    private void initProgress(Transaction tx) {
        if (progress.known()) {
            return;
        }
        Node w = tx.findNode(Label.label(WatermarkNode.LABEL), WatermarkNode.DATABASE, config.database());
        if (w == null) {
            progress.applied(0, 0, 0);
        } else {
            progress.applied(num(w.getProperty(WatermarkNode.COMMIT_ID, 0L)),
                    num(w.getProperty(WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, 0L)),
                    num(w.getProperty(WatermarkNode.APPLIED_AT_MILLIS, 0L)));
        }
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static long agoMillis(long at) {
        return at == 0 ? -1 : System.currentTimeMillis() - at;
    }

    /** Status for {@code ha4neo.status()} and metrics. */
    public CaptureStatus status(Transaction txOrNull) {
        CaptureService capture = this.capture; // no monitor: a role change waiting for stuck commits must not block it
        if (capture != null) {
            return capture.status();
        }
        if (txOrNull != null) {
            initProgress(txOrNull);
        }
        long source = progress.sourceCommitTimeMillis();
        long appliedAt = progress.appliedAtMillis();
        return CaptureStatus.builder()
                .role(role.name().toLowerCase(Locale.ROOT))
                .database(config.database())
                .clusterId(config.clusterId())
                .epoch(config.epoch())
                .topic(config.topic())
                .publisherState(PublisherState.NOT_PUBLISHING.name())
                .lastCommittedId(lastCommittedId.getAsLong())
                .appliedCommitId(progress.appliedCommitId())
                .sourceCommitTimeMillis(source)
                .lastApplyTimeMillis(appliedAt)
                .applyDelayMillis(appliedAt == 0 || source == 0 ? 0 : Math.max(0, appliedAt - source))
                .build();
    }
}
