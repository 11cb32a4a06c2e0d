package io.ha4neo.topology.handover;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.status.MemberStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Promotes a standby when the primary is gone. There is no primary to freeze, so the handover point is what the log
 * says: its last event, read from Kafka.
 *
 * <ol>
 *   <li>probe every member: the target T a reachable standby; no other member up as a primary that accepts writes
 *       (that needs a switchover, or {@code force} when it is cut off from its clients);</li>
 *   <li>read the log's last event (epoch e, commit X);</li>
 *   <li>{@code awaitCommit} on T for it;</li>
 *   <li>{@code promote} on T from it. If that fails and the log has moved on since (the old primary is still
 *       publishing), read the tail again and repeat steps 3 and 4, at most {@link #MAX_RETRIES} times.</li>
 * </ol>
 *
 * The RPO is a place, not a number: whatever the old primary committed after the log's last event never reached
 * Kafka. It is that member's divergent tail, which it reports (FENCED) when it restarts and finds the new epoch.
 *
 * <pre>{@code
 * HandoverReport report = new Failover(cluster, HandoverSeams.of(clients)).run("b", Duration.ofSeconds(30), false);
 * }</pre>
 */
public final class Failover {
    /** Promotions retried after the log moved on, before the failover gives up on a primary that keeps publishing. */
    public static final int MAX_RETRIES = 3;
    static final String OPERATION = "failover";

    private final ClusterDescription cluster;
    private final HandoverSeams seams;

    public Failover(ClusterDescription cluster, HandoverSeams seams) {
        this.cluster = cluster;
        this.seams = seams;
    }

    /**
     * Promotes {@code target}; each step waits at most {@code timeout}. With {@code force}, a member that still
     * reports primary and accepts writes does not stop it.
     *
     * @throws IllegalArgumentException when the cluster file has no member {@code target}
     */
    public HandoverReport run(String target, Duration timeout, boolean force) {
        return new Run(cluster.requireMember(target), timeout, force).run();
    }

    /** One failover: the members, the steps so far and what they returned. */
    private final class Run {
        private final Member target;
        private final Duration timeout;
        private final boolean force;
        private final StepRecorder steps = new StepRecorder(seams.clock());
        private final long start;
        private final List<String> notes = new ArrayList<>();
        private String oldPrimary;
        private LastEvent tail;
        private ChainPosition promoted;
        private int promoteCalls;

        Run(Member target, Duration timeout, boolean force) {
            this.target = target;
            this.timeout = timeout;
            this.force = force;
            this.start = seams.clock().millis();
        }

        /** The steps in order; a step that ends the failover early throws {@link HandoverStopped}. */
        HandoverReport run() {
            try {
                probe();
                tail = readTail();
                awaitCommit();
                while (!promoteFromTail()) {
                    awaitCommit(); // the log moved on: catch up with its new last event first
                }
                return report(Outcome.DONE, null);
            } catch (HandoverStopped stopped) {
                return stopped.report();
            }
        }

        private void probe() {
            ClusterView view = new ClusterView(steps.run("probe", null, seams.members(),
                    m -> new ClusterView(m).describe()));
            MemberStatus t = view.status(target.name()).orElseThrow();
            Optional<String> notStandby = ClusterView.notAStandby(t);
            if (notStandby.isPresent()) {
                stop(Outcome.REFUSED, "the target " + target.name() + " " + notStandby.get() + "; a failover "
                        + "promotes a reachable standby that applies the log");
            }
            List<MemberStatus> writable = view.writablePrimariesOtherThan(target.name());
            if (!writable.isEmpty() && !force) {
                stop(Outcome.NEEDS_FORCE, "member " + writable.get(0).name() + " is up and primary: use switchover; "
                        + "--force only if it is cut off from its clients");
            }
            oldPrimary = oldPrimary(view, writable);
            writable.forEach(p -> notes.add("forced: " + p.name() + " still reported primary of epoch " + p.epoch()
                    + "; the new epoch fences its producer, and whatever its clients commit there from now on is a "
                    + "divergent tail. Stop its clients, then ha4neo rejoin " + p.name()));
        }

        /** The member taken to be the lost primary: one still up (forced), else a frozen one, else the one down. */
        private String oldPrimary(ClusterView view, List<MemberStatus> writable) {
            if (!writable.isEmpty()) {
                return writable.get(0).name();
            }
            List<MemberStatus> others = view.primaries().stream().filter(p -> !p.name().equals(target.name()))
                    .toList();
            if (others.size() == 1) {
                return others.get(0).name();
            }
            List<MemberStatus> down = view.unreachable();
            return down.size() == 1 ? down.get(0).name() : null;
        }

        private LastEvent readTail() {
            try {
                return steps.run("readLogTail", null, () -> seams.logTail().read(),
                        e -> "the log ends at " + e.describe());
            } catch (ProcedureFailure e) {
                throw stop(Outcome.FAILED, OPERATION + " to " + target.name() + " failed reading the log's last "
                        + "event: " + e.getMessage() + ". Nothing changed: " + target.name() + " is still a standby.");
            }
        }

        /** True when promoted; false when the log moved on and {@link #tail} is its new last event, worth a retry. */
        private boolean promoteFromTail() {
            try {
                promoteCalls++;
                promoted = steps.run("promote", target.name(), () -> seams.procedures().promote(target,
                        tail.position(), ProcedureNames.REASON_FAILOVER, timeout),
                        p -> "primary of epoch " + p.epoch() + ", accepting writes (its first commit " + p.commitId()
                                + ")");
                return true;
            } catch (ProcedureFailure e) {
                if (promotedAfterAll(e)) {
                    return true;
                }
                retryFromNewTail(e);
                return false;
            }
        }

        private void awaitCommit() {
            try {
                steps.run("awaitCommit", target.name(), () -> seams.procedures().awaitCommit(target, tail.position(),
                        timeout), c -> "applied commit " + c);
            } catch (ProcedureFailure e) {
                throw stop(Outcome.FAILED, OPERATION + " to " + target.name() + " failed at awaitCommit: "
                        + target.name() + " has not applied the log's last event " + tail.position() + ": "
                        + e.getMessage() + ". Nothing changed: " + target.name() + " is still a standby. Check its "
                        + "applier (ha4neo status), then run the failover again.");
            }
        }

        /** After a promotion whose outcome is unknown: true when the target is primary of a later epoch now. */
        private boolean promotedAfterAll(ProcedureFailure e) {
            if (!e.outcomeUnknown()) {
                return false;
            }
            Optional<MemberStatus> t = steps.run("probe", target.name(), () -> new ClusterView(seams.members().get())
                    .status(target.name()), s -> s.map(ClusterView::describe).orElse("no status"));
            boolean promotedNow = t.isPresent() && t.get().isPrimary() && t.get().epoch() != null
                    && t.get().epoch() > tail.position().epoch();
            if (promotedNow) {
                Long first = t.get().lastCommittedId();
                promoted = new ChainPosition(t.get().epoch(), first == null ? 0 : first);
            }
            return promotedNow;
        }

        /**
         * The promotion failed. If the log's last event is still the one promoted from, the failure had another
         * cause and ends the failover. If the log moved on, a primary is still publishing: retry from the new tail,
         * unless that happened {@link #MAX_RETRIES} times already.
         */
        private void retryFromNewTail(ProcedureFailure e) {
            LastEvent now = readTail();
            if (now.position().equals(tail.position())) {
                throw stop(Outcome.FAILED, OPERATION + " to " + target.name() + " failed at promote: "
                        + e.getMessage() + ". Nothing changed: " + target.name() + " is still a standby.");
            }
            if (promoteCalls > MAX_RETRIES) {
                throw stop(Outcome.FAILED, OPERATION + " to " + target.name() + " gave up after " + promoteCalls
                        + " promotions: the log moved on each time (now at " + now.position() + "), so "
                        + (oldPrimary == null ? "the old primary" : oldPrimary) + " is still publishing. Stop it or "
                        + "cut it off from Kafka and run the failover again; if its clients can still reach it, use "
                        + "ha4neo switchover instead. Nothing changed: " + target.name() + " is still a standby.");
            }
            tail = now;
        }

        private HandoverStopped stop(Outcome outcome, String error) {
            throw new HandoverStopped(report(outcome, error));
        }

        private HandoverReport report(Outcome outcome, String error) {
            ChainPosition at = tail == null ? null : tail.position();
            String lost = oldPrimary == null ? "the old primary" : oldPrimary;
            String rpo = at == null ? null : "the log ends at " + at + "; anything " + lost + " committed after it "
                    + "is its divergent tail, reported when it restarts (ha4neo status / rejoin)";
            Long recovery = promoted == null ? null : seams.clock().millis() - start;
            String summary = promoted == null ? null : OPERATION + " " + (oldPrimary == null ? "" : oldPrimary + " ")
                    + "-> " + target.name() + ": epoch " + at.epoch() + " -> " + promoted.epoch() + " at " + at
                    + "; RPO: " + rpo + "; time to recovery " + recovery + " ms (the duration of this command)";
            return new HandoverReport(OPERATION, outcome, oldPrimary, target.name(), at == null ? null : at.epoch(),
                    promoted == null ? null : promoted.epoch(), at == null ? null : at.commitId(),
                    tail == null ? null : tail.offset(), null, rpo, recovery, promoteCalls, steps.steps(), summary,
                    error, notes);
        }
    }
}
