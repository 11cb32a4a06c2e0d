package io.ha4neo.topology.handover;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.topology.Role;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.KafkaCluster;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.cluster.Secret;
import io.ha4neo.topology.status.MemberStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replication cluster in memory, behind the seams of {@link HandoverSeams}: members with roles, epochs and applied
 * positions, one log, and a clock that each call advances by a fixed cost. The procedures keep the contract of
 * {@link ProcedureNames} (freeze returns the log's last event, promote needs the standby at exactly the log's last
 * event, rejoin fences a member that committed past the log), so a test states the situation and checks what the
 * handover made of it. {@link #calls} records every call in order.
 */
public final class SimulatedCluster implements MemberProcedures, LogTail {
    /** What each call costs on the simulated clock, in milliseconds. */
    static final Map<String, Long> COST = Map.of("probe", 15L, "freeze", 10L, "awaitCommit", 20L, "promote", 30L,
            "rejoin", 40L, "unfreeze", 5L, "readLogTail", 8L);

    final FakeClock clock = new FakeClock();
    public final List<String> calls = new ArrayList<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<LastEvent> log = new ArrayList<>();
    private final Map<String, Deque<RuntimeException>> failures = new HashMap<>();
    private int strayEventsLeft;
    private String strayPublisher;
    private Long awaitAnswer;

    /** A log ending at (epoch 0, commit {@code lastCommit}), at offset 57. */
    public SimulatedCluster(long lastCommit) {
        log.add(new LastEvent(new ChainPosition(0, lastCommit), 57L));
    }

    /** A primary of epoch 0 whose last event is the log's. */
    public SimulatedCluster primary(String name) {
        nodes.put(name, new Node(name, Role.PRIMARY, 0, last().position(), last().position().commitId() + 2));
        return this;
    }

    /** A standby that has applied {@code applied} of epoch 0 (it catches up on awaitCommit). */
    public SimulatedCluster standby(String name, long applied) {
        nodes.put(name, new Node(name, Role.STANDBY, 0, new ChainPosition(0, applied), 30));
        return this;
    }

    public SimulatedCluster fenced(String name, List<String> tail) {
        Node n = new Node(name, Role.FENCED, 0, last().position(), 99);
        n.tail = List.copyOf(tail);
        nodes.put(name, n);
        return this;
    }

    /** {@code name} does not answer (its process is gone); calls to it fail with an unknown outcome. */
    public SimulatedCluster down(String name) {
        node(name).reachable = false;
        return this;
    }

    public SimulatedCluster frozen(String name) {
        node(name).frozen = true;
        return this;
    }

    /** {@code name}'s applier is stuck: awaitCommit times out. */
    public SimulatedCluster lagging(String name) {
        node(name).lagging = true;
        return this;
    }

    /** The old primary {@code name} keeps publishing: each promotion finds one event more in the log, n times. */
    public SimulatedCluster strayPublisher(String name, int n) {
        strayPublisher = name;
        strayEventsLeft = n;
        return this;
    }

    /** awaitCommit answers {@code commitId} whatever it was asked for (a plugin that reports what it has). */
    public SimulatedCluster awaitAnswers(long commitId) {
        awaitAnswer = commitId;
        return this;
    }

    /** The next call of {@code procedure} on {@code member} throws {@code failure} instead (after its cost). */
    public SimulatedCluster failNext(String procedure, String member, RuntimeException failure) {
        failures.computeIfAbsent(procedure + " " + member, k -> new ArrayDeque<>()).add(failure);
        return this;
    }

    /** A promotion during which {@code member}'s process dies: nothing is promoted, and it answers no more. */
    public SimulatedCluster crashOnPromote(String member) {
        node(member).crashOnPromote = true;
        return this;
    }

    /** A promotion that happens, but whose answer is lost on the way back. */
    public SimulatedCluster promoteThenLoseTheAnswer(String member) {
        node(member).promoteLosesAnswer = true;
        return this;
    }

    public ClusterDescription description() {
        return new ClusterDescription("dc1", "neo4j", "ha4neo.dc1.neo4j", new KafkaCluster("k:9092", (short) 3,
                Map.of()), nodes.keySet().stream().map(SimulatedCluster::member).toList());
    }

    public HandoverSeams seams() {
        return new HandoverSeams(this, this::members, this, clock);
    }

    static Member member(String name) {
        return new Member(name, "", URI.create("bolt://" + name + ":7687"), "neo4j", Secret.NONE, java.util.List.of());
    }

    public Role role(String name) {
        return node(name).role;
    }

    public boolean isFrozen(String name) {
        return node(name).frozen;
    }

    public long epochOf(String name) {
        return node(name).epoch;
    }

    LastEvent last() {
        return log.get(log.size() - 1);
    }

    // ---- the seams --------------------------------------------------------------------------------

    List<MemberStatus> members() {
        record("probe", null);
        return nodes.values().stream().map(Node::status).toList();
    }

    @Override
    public LastEvent read() {
        record("readLogTail", null);
        failIfScripted("readLogTail", "kafka");
        return last();
    }

    @Override
    public LastEvent freeze(Member primary, Duration timeout) {
        Node n = call("freeze", primary);
        if (n.role != Role.PRIMARY) {
            throw ProcedureFailure.refused(ProcedureNames.FREEZE, n.name, "this member is " + n.role
                    + ", not primary");
        }
        n.frozen = true;
        return last();
    }

    @Override
    public void unfreeze(Member primary) {
        Node n = call("unfreeze", primary);
        if (!n.frozen) {
            throw ProcedureFailure.refused(ProcedureNames.UNFREEZE, n.name, "not frozen");
        }
        n.frozen = false;
    }

    @Override
    public long awaitCommit(Member standby, ChainPosition position, Duration timeout) {
        Node n = call("awaitCommit", standby, position);
        if (n.lagging) {
            clock.advance(timeout.toMillis());
            throw ProcedureFailure.refused(ProcedureNames.AWAIT_COMMIT, n.name, "commit " + position.commitId()
                    + " of epoch " + position.epoch() + " not applied within " + timeout.toMillis() + " ms");
        }
        n.applied = position;
        return awaitAnswer != null ? awaitAnswer : position.commitId();
    }

    @Override
    public ChainPosition promote(Member standby, ChainPosition previous, String reason, Duration timeout) {
        Node n = call("promote", standby, previous, reason);
        strayPublishes();
        if (n.crashOnPromote) {
            n.reachable = false;
            throw ProcedureFailure.unknownOutcome(ProcedureNames.PROMOTE, n.name, "Connection to the database "
                    + "terminated");
        }
        if (!n.applied.equals(previous) && awaitAnswer == null) {
            throw ProcedureFailure.refused(ProcedureNames.PROMOTE, n.name, "this standby is at " + n.applied
                    + ", not " + previous);
        }
        if (!last().position().equals(previous)) {
            throw ProcedureFailure.refused(ProcedureNames.PROMOTE, n.name, "the log moved on: it ends at "
                    + last().position() + ", not " + previous);
        }
        n.role = Role.PRIMARY;
        n.epoch = previous.epoch() + 1;
        ChainPosition start = new ChainPosition(n.epoch, n.lastCommit);
        log.add(new LastEvent(start, last().offset() + 2));
        if (n.promoteLosesAnswer) {
            throw ProcedureFailure.unknownOutcome(ProcedureNames.PROMOTE, n.name, "Connection to the database "
                    + "terminated");
        }
        return start;
    }

    @Override
    public RejoinResult rejoin(Member member, boolean discardTail) {
        Node n = call("rejoin", member, discardTail);
        ChainPosition handover = n.applied;
        if (!n.tail.isEmpty() && !discardTail) {
            n.role = Role.FENCED;
            return new RejoinResult(Role.FENCED, handover, n.tail);
        }
        List<String> discarded = n.tail;
        n.tail = List.of();
        n.role = Role.STANDBY;
        n.frozen = false;
        return new RejoinResult(Role.STANDBY, handover, discarded);
    }

    // ---- mechanics --------------------------------------------------------------------------------

    /** The stray old primary commits one more transaction, which reaches the log (while it has some left). */
    private void strayPublishes() {
        if (strayEventsLeft > 0) {
            strayEventsLeft--;
            Node stray = node(strayPublisher);
            stray.applied = new ChainPosition(stray.epoch, last().position().commitId() + 1);
            log.add(new LastEvent(stray.applied, last().offset() + 2));
        }
    }

    private Node call(String procedure, Member member, Object... arguments) {
        Node n = node(member.name());
        StringBuilder call = new StringBuilder(procedure + " " + n.name);
        for (Object a : arguments) {
            call.append(' ').append(a);
        }
        calls.add(call.toString());
        clock.advance(COST.get(procedure));
        if (!n.reachable) {
            throw ProcedureFailure.unknownOutcome("ha4neo." + procedure, n.name, "Connection refused");
        }
        failIfScripted(procedure, n.name);
        return n;
    }

    private void record(String what, String member) {
        calls.add(member == null ? what : what + " " + member);
        clock.advance(COST.get(what));
    }

    private void failIfScripted(String procedure, String member) {
        Deque<RuntimeException> scripted = failures.get(procedure + " " + member);
        if (scripted != null && !scripted.isEmpty()) {
            throw scripted.poll();
        }
    }

    private Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no simulated member " + name);
        }
        return n;
    }

    /** One simulated member. */
    private static final class Node {
        final String name;
        Role role;
        long epoch;
        ChainPosition applied;
        final long lastCommit;
        boolean reachable = true;
        boolean frozen;
        boolean lagging;
        boolean promoteLosesAnswer;
        boolean crashOnPromote;
        List<String> tail = List.of();

        Node(String name, Role role, long epoch, ChainPosition applied, long lastCommit) {
            this.name = name;
            this.role = role;
            this.epoch = epoch;
            this.applied = applied;
            this.lastCommit = lastCommit;
        }

        MemberStatus status() {
            if (!reachable) {
                return new MemberStatus(name, "", "bolt://" + name + ":7687", false, "Connection refused", null,
                        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
            }
            boolean primary = role == Role.PRIMARY;
            return new MemberStatus(name, "", "bolt://" + name + ":7687", true, null,
                    role.name().toLowerCase(java.util.Locale.ROOT), "dc1", "ha4neo.dc1.neo4j", epoch,
                    primary ? frozen : null, primary ? "PUBLISHING" : "NOT_PUBLISHING", lastCommit,
                    primary ? applied.commitId() : null, primary ? applied.commitId() : null, List.of(), null, tail,
                    primary ? null : applied.commitId(), null, null, null);
        }
    }

    /** A clock that moves only when told. */
    static final class FakeClock extends Clock {
        private long millis = 1_000_000;

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
