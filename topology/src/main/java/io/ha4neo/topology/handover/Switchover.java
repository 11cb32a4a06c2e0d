package io.ha4neo.topology.handover;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.topology.Role;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.status.MemberStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A planned change of primary that loses no commit: the primary P stops taking writes, the target standby T catches
 * up to exactly P's last event, T becomes primary of the next epoch, and P follows T as its standby.
 *
 * <ol>
 *   <li>probe every member: exactly one primary P, and T a reachable standby other than P;</li>
 *   <li>{@code freeze} on P: client writes refused from now on (the RTO clock starts just before); P returns the
 *       handover point, its last event in the log;</li>
 *   <li>{@code awaitCommit} on T for the handover point;</li>
 *   <li>{@code promote} on T from the handover point (the RTO clock stops when it returns: T accepts writes);</li>
 *   <li>{@code rejoin} on P: it becomes T's standby.</li>
 * </ol>
 *
 * If step 3 or 4 fails, P is unfrozen and stays primary: nothing happened but a pause in writes. If the promotion's
 * outcome is unknown (the connection broke), T is asked again before anything is unfrozen, because unfreezing P next
 * to a promoted T would start a second history. If step 5 fails, T is primary already and P stays frozen, which is
 * safe; {@code ha4neo rejoin P} finishes the job.
 *
 * <pre>{@code
 * HandoverReport report = new Switchover(cluster, HandoverSeams.of(clients)).run("b", Duration.ofSeconds(30));
 * HandoverText.lines(report).forEach(System.out::println);
 * }</pre>
 */
public final class Switchover {
    static final String OPERATION = "switchover";

    private final ClusterDescription cluster;
    private final HandoverSeams seams;

    public Switchover(ClusterDescription cluster, HandoverSeams seams) {
        this.cluster = cluster;
        this.seams = seams;
    }

    /**
     * Switches the primary role to {@code target}; each step waits at most {@code timeout}.
     *
     * @throws IllegalArgumentException when the cluster file has no member {@code target}
     */
    public HandoverReport run(String target, Duration timeout) {
        return new Run(cluster.requireMember(target), timeout).run();
    }

    /** One switchover: the members, the steps so far and what they returned. */
    private final class Run {
        private final Member target;
        private final Duration timeout;
        private final StepRecorder steps = new StepRecorder(seams.clock());
        private Member primary;
        private LastEvent handover;
        private long applied;
        private ChainPosition promoted;
        private long rtoStart;
        private long rtoMillis;

        Run(Member target, Duration timeout) {
            this.target = target;
            this.timeout = timeout;
        }

        /** The steps in order; a step that ends the switchover early throws {@link HandoverStopped} with its report. */
        HandoverReport run() {
            try {
                probe();
                freeze();
                awaitCommit();
                promote();
                return rejoin();
            } catch (HandoverStopped stopped) {
                return stopped.report();
            }
        }

        private void probe() {
            ClusterView view = new ClusterView(steps.run("probe", null, seams.members(),
                    m -> new ClusterView(m).describe()));
            Optional<String> refusal = choosePrimary(view);
            if (refusal.isPresent()) {
                throw new HandoverStopped(report(Outcome.REFUSED, refusal.get()));
            }
        }

        /** Exactly one primary, and the target a reachable standby other than it; else why not. */
        private Optional<String> choosePrimary(ClusterView view) {
            List<MemberStatus> primaries = view.primaries();
            if (primaries.size() != 1) {
                return Optional.of(primaries.isEmpty() ? noPrimary() : severalPrimaries(primaries));
            }
            primary = cluster.requireMember(primaries.get(0).name());
            if (primary.equals(target)) {
                return Optional.of(target.name() + " is the primary already; name a standby with --to");
            }
            MemberStatus t = view.status(target.name()).orElseThrow();
            return ClusterView.notAStandby(t).map(why -> "the target " + target.name() + " " + why
                    + "; a switchover needs a reachable standby that applies the log");
        }

        private String noPrimary() {
            return "no reachable member is primary, so there is nothing to switch over from; if the primary is gone, "
                    + "use ha4neo failover --to " + target.name();
        }

        private String severalPrimaries(List<MemberStatus> primaries) {
            String names = String.join(", ", primaries.stream().map(p -> p.name() + " (epoch " + p.epoch()
                    + (p.isFrozenPrimary() ? ", frozen" : "") + ")").toList());
            return primaries.size() + " members are primary: " + names + "; see ha4neo status for which must "
                    + "rejoin before a switchover";
        }

        private void freeze() {
            rtoStart = steps.now();
            try {
                handover = steps.run("freeze", primary.name(), () -> seams.procedures().freeze(primary, timeout),
                        h -> "client writes refused; handover point " + h.describe());
            } catch (ProcedureFailure e) {
                throw new HandoverStopped(rollBackFreeze(e));
            }
        }

        private void awaitCommit() {
            try {
                applied = steps.run("awaitCommit", target.name(), () -> seams.procedures().awaitCommit(target,
                        handover.position(), timeout), c -> "applied commit " + c);
            } catch (ProcedureFailure e) {
                throw new HandoverStopped(rollBack("awaitCommit", target, e));
            }
        }

        private void promote() {
            try {
                promoted = steps.run("promote", target.name(), () -> seams.procedures().promote(target,
                        handover.position(), ProcedureNames.REASON_SWITCHOVER, timeout), Run::describePromotion);
            } catch (ProcedureFailure e) {
                if (!e.outcomeUnknown()) {
                    throw new HandoverStopped(rollBack("promote", target, e));
                }
                promoted = promotedAfterAll(e);
            }
            rtoMillis = steps.now() - rtoStart;
        }

        private static String describePromotion(ChainPosition p) {
            return "primary of epoch " + p.epoch() + ", accepting writes (its first commit " + p.commitId() + ")";
        }

        /**
         * The promotion's outcome is unknown: ask the target. Promoted (primary of a later epoch): go on. Still a
         * standby: it changed nothing, roll back. No answer: leave the primary frozen; unfreezing it could start a
         * second history next to a promoted target.
         */
        private ChainPosition promotedAfterAll(ProcedureFailure e) {
            Optional<MemberStatus> t = probe(target);
            if (t.isPresent() && t.get().isPrimary() && t.get().epoch() != null
                    && t.get().epoch() > handover.position().epoch()) {
                return new ChainPosition(t.get().epoch(), orZero(t.get().lastCommittedId()));
            }
            if (t.isPresent() && t.get().isStandby()) {
                throw new HandoverStopped(rollBack("promote", target, e));
            }
            throw new HandoverStopped(report(Outcome.FAILED, failedAt("promote", target, e) + " The promotion's "
                    + "outcome is unknown and " + target.name() + " does not say. " + primary.name() + " stays frozen (safe: no "
                    + "client writes, no second history). When " + target.name() + " answers: if ha4neo status "
                    + "shows it primary of epoch " + (handover.position().epoch() + 1) + ", run ha4neo rejoin "
                    + primary.name() + "; if it is still a standby, run CALL " + ProcedureNames.UNFREEZE + "() on "
                    + primary.name() + "."));
        }

        private HandoverReport rejoin() {
            try {
                RejoinResult r = steps.run("rejoin", primary.name(), () -> seams.procedures().rejoin(primary, false),
                        Rejoin::describe);
                if (r.role() == Role.STANDBY) {
                    return report(Outcome.DONE, null);
                }
                return report(Outcome.FAILED, "rejoin left " + primary.name() + " " + r.role() + " instead of "
                        + "standby" + Rejoin.tail(r) + ". The switchover itself is done: " + target.name()
                        + " is primary of epoch " + promoted.epoch() + ". Keep what you need of "
                        + primary.name() + "'s tail, then ha4neo rejoin " + primary.name() + " --discard-tail.");
            } catch (ProcedureFailure e) {
                return report(Outcome.FAILED, "rejoin on " + primary.name() + " failed: " + e.getMessage()
                        + ". The switchover itself is done: " + target.name() + " is primary of epoch "
                        + promoted.epoch() + " and accepts writes. " + primary.name() + " stays frozen, which is "
                        + "safe (it refuses client writes); ha4neo rejoin " + primary.name() + " finishes it.");
            }
        }

        /**
         * The freeze failed, perhaps half-way (frozen, but its events not all published in time): unfreeze the
         * primary unless it says it is not frozen.
         */
        private HandoverReport rollBackFreeze(ProcedureFailure e) {
            Optional<MemberStatus> p = probe(primary);
            if (p.isPresent() && p.get().reachable() && Boolean.FALSE.equals(p.get().frozen())) {
                return report(Outcome.FAILED, failedAt("freeze", primary, e) + " Nothing to roll back: "
                        + primary.name() + " is not frozen and accepts writes; " + target.name() + " is still its "
                        + "standby.");
            }
            return rollBack("freeze", primary, e);
        }

        private Optional<MemberStatus> probe(Member member) {
            return steps.run("probe", member.name(), () -> new ClusterView(seams.members().get())
                    .status(member.name()), s -> s.map(ClusterView::describe).orElse("no status"));
        }

        /** A step before the promotion failed: unfreeze the primary, and say what state that leaves. */
        private HandoverReport rollBack(String step, Member at, ProcedureFailure failure) {
            String failed = failedAt(step, at, failure);
            try {
                steps.run("unfreeze", primary.name(), () -> seams.procedures().unfreeze(primary),
                        "client writes accepted again");
            } catch (ProcedureFailure u) {
                return report(Outcome.FAILED, failed + " The rollback failed too: unfreeze on " + primary.name()
                        + ": " + u.getMessage() + ". State: nothing was promoted; " + target.name() + " is still a "
                        + "standby; " + primary.name() + " is primary" + (step.equals("freeze") ? " and may be "
                        + "frozen" : " but frozen") + " (client writes refused; ha4neo status shows FROZEN). Run "
                        + "CALL " + ProcedureNames.UNFREEZE + "() on " + primary.name() + " (" + primary.bolt()
                        + ") to open writes again, or ha4neo switchover --to " + target.name() + " to try again.");
            }
            return report(Outcome.FAILED, failed + " Rolled back: " + primary.name() + " is primary again with "
                    + "writes open" + (handover == null ? "" : " (epoch " + handover.position().epoch() + ")") + "; "
                    + target.name() + " is still its standby.");
        }

        private String failedAt(String step, Member at, ProcedureFailure failure) {
            return OPERATION + " " + primary.name() + " -> " + target.name() + " failed at " + step + " on "
                    + at.name() + ": " + failure.getMessage() + ".";
        }

        private HandoverReport report(Outcome outcome, String error) {
            ChainPosition at = handover == null ? null : handover.position();
            Long rpo = promoted == null ? null : Math.max(0, at.commitId() - applied);
            String summary = promoted == null ? null : OPERATION + " " + primary.name() + " -> " + target.name()
                    + ": epoch " + at.epoch() + " -> " + promoted.epoch() + " at " + at + "; RPO " + rpo + " commit"
                    + (rpo == 1 ? "" : "s") + "; RTO " + rtoMillis + " ms (client writes refused from freeze to "
                    + "promotion)";
            String rpoText = rpo == null ? null : rpo + " commit" + (rpo == 1 ? "" : "s") + ": " + target.name()
                    + " applied commit " + applied + " of the handover point " + at;
            return new HandoverReport(OPERATION, outcome, primary == null ? null : primary.name(), target.name(),
                    at == null ? null : at.epoch(), promoted == null ? null : promoted.epoch(),
                    at == null ? null : at.commitId(), handover == null ? null : handover.offset(), rpo, rpoText,
                    promoted == null ? null : rtoMillis, promoteCalls(), steps.steps(), summary, error, List.of());
        }

        private int promoteCalls() {
            return (int) steps.steps().stream().filter(s -> s.step().equals("promote")).count();
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
