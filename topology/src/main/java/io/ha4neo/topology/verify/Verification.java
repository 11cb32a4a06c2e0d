package io.ha4neo.topology.verify;

import io.ha4neo.schemas.event.ChainPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

/**
 * Compares a primary's and a standby's graph while writes continue ({@code ha4neo verify}; docs/verify.md). Neo4j
 * Community reads without snapshots, so the two members are never read "at one commit"; instead every entity is read
 * on the standby only after the standby has applied the primary's position at the end of the primary's read, and an
 * entity that still differs is read again, both sides, until it matches or has differed in every round:
 * <ol>
 *   <li><b>digest pass</b>: read every node and relationship of the primary in chunks of internal ids (throttled),
 *       into a {@link BucketDigest} per kind, and its indexes and constraints; take the primary's bookmark, wait until
 *       the standby has applied it, and read the standby the same way;</li>
 *   <li><b>drill-down</b>: for the buckets whose digests differ, read both members again (groups of about
 *       {@link VerifyOptions#drillBudget} entities), keeping only the entities of those buckets: the keys whose
 *       digests differ are the suspects;</li>
 *   <li><b>rounds</b>: read each suspect by key on the primary, on the standby once it has applied the primary's new
 *       bookmark, and on the primary again ({@link Settlement}); one that matches is equal, one that differs while the
 *       primary holds still is a difference, after at most {@link VerifyOptions#rounds} rounds.</li>
 * </ol>
 * A planted, stable difference differs in every round, so the result is deterministic for it; an entity a writer is
 * changing matches in some round. Memory is bounded by the buckets, one chunk, and the drill budget.
 *
 * <pre>{@code
 * VerifyReport report = new Verification(database, primaryGraph, standbyGraph, sync, options, Throttle.of(rate),
 *         d -> Thread.sleep(d.toMillis()), System::nanoTime, System.err::println).run();
 * }</pre>
 */
public final class Verification {
    private static final List<EntityKind> GRAPH = List.of(EntityKind.NODE, EntityKind.RELATIONSHIP);
    private static final List<EntityKind> SCHEMA = List.of(EntityKind.INDEX, EntityKind.CONSTRAINT);

    private final String database;
    private final MemberGraph primary;
    private final MemberGraph standby;
    private final ReplicationSync sync;
    private final VerifyOptions options;
    private final Throttle throttle;
    private final Throttle.Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final Consumer<String> progress;
    private long start;

    public Verification(String database, MemberGraph primary, MemberGraph standby, ReplicationSync sync,
                        VerifyOptions options, Throttle throttle, Throttle.Sleeper sleeper, LongSupplier nanoTime,
                        Consumer<String> progress) {
        this.database = database;
        this.primary = primary;
        this.standby = standby;
        this.sync = sync;
        this.options = options;
        this.throttle = throttle;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
        this.progress = progress;
    }

    /** One member's first pass: a digest per kind, and its schema objects. */
    private record Pass(Map<EntityKind, BucketDigest> digests, Map<EntityKind, Map<String, Sighting>> schema) {
        long count(EntityKind kind) {
            return digests.get(kind).entities();
        }

        long schemaCount() {
            return schema.values().stream().mapToLong(Map::size).sum();
        }
    }

    /** Runs the three steps; a member that cannot be read ends it with a {@link VerifyException}. */
    public VerifyReport run() {
        start = nanoTime.getAsLong();
        Pass p = pass(primary);
        ChainPosition at = sync.bookmark();
        long applied = lineUp(at);
        Pass s = pass(standby);
        Settlement settlement = new Settlement();
        compareSchema(p, s, settlement);
        int differingBuckets = 0;
        boolean complete = true;
        for (EntityKind kind : GRAPH) {
            List<Integer> buckets = p.digests.get(kind).differingBuckets(s.digests.get(kind));
            differingBuckets += buckets.size();
            complete = complete && drill(kind, buckets, p.digests.get(kind), s.digests.get(kind), settlement);
        }
        int suspects = settlement.size();
        int rounds = settle(settlement);
        return report(p, s, at, applied, differingBuckets, suspects, rounds, complete, settlement, elapsedMillis());
    }

    private long elapsedMillis() {
        return (nanoTime.getAsLong() - start) / 1_000_000;
    }

    /** Progress for people, with the time since the start (stderr in the CLI). */
    private void progress(String line) {
        progress.accept(line + " (" + elapsedMillis() + " ms)");
    }

    /** Waits until the standby has applied {@code at}; says how long that took. */
    private long lineUp(ChainPosition at) {
        long before = nanoTime.getAsLong();
        long applied = sync.awaitApplied(at);
        progress(standby.member() + " applied " + primary.member() + "'s (epoch " + at.epoch() + ", commit "
                + at.commitId() + ") after " + (nanoTime.getAsLong() - before) / 1_000_000 + " ms");
        return applied;
    }

    private Pass pass(MemberGraph g) {
        Map<EntityKind, Map<String, Sighting>> schema = schemaByKind(g.schema());
        Map<EntityKind, BucketDigest> digests = new EnumMap<>(EntityKind.class);
        for (EntityKind kind : GRAPH) {
            BucketDigest digest = new BucketDigest(options.buckets());
            scan(g, kind, digest::add);
            digests.put(kind, digest);
        }
        progress("read " + g.member() + ": " + digests.get(EntityKind.NODE).entities() + " nodes, "
                + digests.get(EntityKind.RELATIONSHIP).entities() + " relationships");
        return new Pass(digests, schema);
    }

    /** Every entity of {@code kind} on {@code g}, chunk by chunk of internal ids, throttled. */
    private void scan(MemberGraph g, EntityKind kind, Consumer<CanonicalEntity> sink) {
        long highest = g.highestId(kind);
        for (long from = 0; from <= highest; from += options.chunkSize()) {
            throttle.acquire(options.chunkSize());
            g.scan(kind, from, options.chunkSize()).forEach(sink);
        }
    }

    private static Map<EntityKind, Map<String, Sighting>> schemaByKind(List<CanonicalEntity> objects) {
        Map<EntityKind, Map<String, Sighting>> byKind = new EnumMap<>(EntityKind.class);
        SCHEMA.forEach(k -> byKind.put(k, new LinkedHashMap<>()));
        objects.forEach(o -> Sighting.add(byKind.get(o.kind()), o, false));
        return byKind;
    }

    private static void compareSchema(Pass p, Pass s, Settlement settlement) {
        for (EntityKind kind : SCHEMA) {
            Set<String> names = new LinkedHashSet<>(p.schema.get(kind).keySet());
            names.addAll(s.schema.get(kind).keySet());
            names.stream().filter(n -> !Sighting.same(p.schema.get(kind).get(n), s.schema.get(kind).get(n)))
                    .forEach(n -> settlement.add(new Candidate(kind, n, Set.of())));
        }
    }

    /**
     * Reads the entities of the differing buckets again on both members, group by group, and adds the keys whose
     * sightings differ to the suspects. False when it stopped at {@link VerifyOptions#maxDifferences}.
     */
    private boolean drill(EntityKind kind, List<Integer> buckets, BucketDigest p, BucketDigest s,
                          Settlement settlement) {
        for (Set<Integer> group : groups(buckets, b -> Math.max(p.count(b), s.count(b)), options.drillBudget())) {
            progress("drilling into " + group.size() + " " + kind.label() + " bucket(s)");
            Map<String, Sighting> onPrimary = collect(primary, kind, group);
            lineUp(sync.bookmark());
            Map<String, Sighting> onStandby = collect(standby, kind, group);
            Set<String> keys = new LinkedHashSet<>(onPrimary.keySet());
            keys.addAll(onStandby.keySet());
            for (String key : keys) {
                Sighting a = onPrimary.get(key);
                Sighting b = onStandby.get(key);
                if (!Sighting.same(a, b)) {
                    if (settlement.size() >= options.maxDifferences()) {
                        return false;
                    }
                    settlement.add(new Candidate(kind, key, startKeys(a, b)));
                }
            }
        }
        return true;
    }

    private Map<String, Sighting> collect(MemberGraph g, EntityKind kind, Set<Integer> buckets) {
        Map<String, Sighting> found = new LinkedHashMap<>();
        scan(g, kind, e -> {
            if (buckets.contains(BucketDigest.bucketOf(e.keyHash(), options.buckets()))) {
                Sighting.add(found, e, true);
            }
        });
        return found;
    }

    private static Set<String> startKeys(Sighting a, Sighting b) {
        Set<String> starts = new HashSet<>();
        for (Sighting x : new Sighting[] {a, b}) {
            if (x != null && x.startKey() != null) {
                starts.add(x.startKey());
            }
        }
        return starts;
    }

    /**
     * The buckets in groups of at most {@code budget} entities ({@code size}: a bucket's larger count), in order; a
     * bucket larger than the budget is a group of its own. Pure.
     */
    static List<Set<Integer>> groups(List<Integer> buckets, IntToLongFunction size, long budget) {
        List<Set<Integer>> groups = new ArrayList<>();
        Set<Integer> current = new LinkedHashSet<>();
        long held = 0;
        for (int b : buckets) {
            long n = size.applyAsLong(b);
            if (!current.isEmpty() && held + n > budget) {
                groups.add(current);
                current = new LinkedHashSet<>();
                held = 0;
            }
            current.add(b);
            held += n;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /** Rounds of re-reading until no suspect is open or the rounds are used up; returns the rounds run. */
    private int settle(Settlement settlement) {
        int rounds = 0;
        while (rounds < options.rounds() && settlement.size() > 0) {
            if (rounds > 0) {
                pause(options.roundPause());
            }
            rounds++;
            progress("round " + rounds + ": reading " + settlement.size() + " suspect(s) on both members");
            round(settlement);
        }
        return rounds;
    }

    /**
     * One round over every open suspect: all of them on the primary, one wait for the standby, all of them on the
     * standby, all of them on the primary again. Holds three sightings per suspect (at most --max-differences).
     */
    private void round(Settlement settlement) {
        Map<EntityKind, Map<String, Sighting>> before = readOpen(primary, settlement);
        lineUp(sync.bookmark());
        Map<EntityKind, Map<String, Sighting>> onStandby = readOpen(standby, settlement);
        Map<EntityKind, Map<String, Sighting>> after = readOpen(primary, settlement);
        for (EntityKind kind : EntityKind.values()) {
            settlement.open(kind).forEach(c -> settlement.record(kind, c.key(), before.get(kind).get(c.key()),
                    onStandby.get(kind).get(c.key()), after.get(kind).get(c.key())));
        }
    }

    /** The open suspects as {@code g} holds them, by kind and key: entities in chunks, schema objects whole. */
    private Map<EntityKind, Map<String, Sighting>> readOpen(MemberGraph g, Settlement settlement) {
        Map<EntityKind, Map<String, Sighting>> read = new EnumMap<>(EntityKind.class);
        for (EntityKind kind : GRAPH) {
            List<Candidate> open = settlement.open(kind);
            Map<String, Sighting> sightings = new LinkedHashMap<>();
            for (int i = 0; i < open.size(); i += options.chunkSize()) {
                List<Candidate> batch = open.subList(i, Math.min(open.size(), i + options.chunkSize()));
                throttle.acquire(batch.size());
                g.read(kind, batch).forEach(e -> Sighting.add(sightings, e, false));
            }
            read.put(kind, sightings);
        }
        boolean schemaOpen = SCHEMA.stream().anyMatch(k -> !settlement.open(k).isEmpty());
        read.putAll(schemaOpen ? schemaByKind(g.schema()) : schemaByKind(List.of()));
        return read;
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VerifyException("verify was interrupted between two rounds");
        }
    }

    private VerifyReport report(Pass p, Pass s, ChainPosition at, long applied, int differingBuckets, int suspects,
                                int rounds, boolean complete, Settlement settlement, long millis) {
        List<Difference> differences = settlement.differences();
        List<Difference> unsettled = settlement.unsettled();
        VerifyReport.Outcome outcome = !differences.isEmpty() ? VerifyReport.Outcome.DIFFERENT
                : !unsettled.isEmpty() || !complete ? VerifyReport.Outcome.UNSETTLED : VerifyReport.Outcome.EQUAL;
        VerifyReport.Counts nodes = new VerifyReport.Counts(p.count(EntityKind.NODE), s.count(EntityKind.NODE));
        VerifyReport.Counts relationships = new VerifyReport.Counts(p.count(EntityKind.RELATIONSHIP),
                s.count(EntityKind.RELATIONSHIP));
        VerifyReport.Counts schema = new VerifyReport.Counts(p.schemaCount(), s.schemaCount());
        String summary = VerifyText.summary(outcome, primary.member(), standby.member(), nodes, relationships, schema,
                differences, unsettled, complete, options.maxDifferences());
        return new VerifyReport(outcome, primary.member(), standby.member(), database, at.epoch(), at.commitId(),
                applied, nodes, relationships, schema, options.buckets(), differingBuckets, suspects, rounds,
                complete, differences, unsettled, millis, summary, null);
    }
}
