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
import java.util.function.LongSupplier;

/**
 * Compares a primary's and a standby's graph while writes continue ({@code ha4neo verify}; docs/verify.md). Neo4j
 * Community reads without snapshots, so the two members are never read "at one commit"; instead every entity the
 * primary holds is looked up on the standby right after the standby has applied the primary's position at the end of
 * that read, and an entity that still differs is read again, both sides, until it matches or has differed in every
 * round:
 * <ol>
 *   <li><b>schema</b>: the primary's indexes and constraints; its bookmark, a wait until the standby has applied it,
 *       and the standby's;</li>
 *   <li><b>primary pass</b>: read the primary's nodes, then relationships, in chunks of internal ids (throttled), in
 *       windows of about {@link VerifyOptions#window} entities; after each window take the primary's bookmark, wait
 *       until the standby has applied it, and look the window's keys up on the standby: a key whose digests agree is
 *       equal (its hash is remembered, {@link KeyHashes}), any other is a <em>suspect</em>. Only what was written
 *       during one window's read can be a suspect for being in flight;</li>
 *   <li><b>standby pass</b>: read the standby's keys in chunks; read the ones the primary pass did not find equal
 *       whole, on the standby, then on the primary (the standby is behind the primary, so whatever it holds the
 *       primary held too, unless it was deleted since): one the primary holds the same is equal, any other (an extra,
 *       or in flight) is a suspect;</li>
 *   <li><b>rounds</b>: read each suspect by key on the primary, on the standby once it has applied the primary's new
 *       bookmark, and on the primary again ({@link Settlement}); one that matches is equal, one that differs while the
 *       primary holds still is a difference, after at most {@link VerifyOptions#rounds} rounds.</li>
 * </ol>
 * A planted, stable difference differs in every round, so the result is deterministic for it; an entity a writer is
 * changing matches in some round. Memory: one window of light sightings, 8 bytes per entity found equal, and the
 * suspects (at most {@link VerifyOptions#maxDifferences}).
 *
 * <pre>{@code
 * VerifyReport report = new Verification(database, primaryGraph, standbyGraph, sync, options, Throttle.of(rate),
 *         d -> Thread.sleep(d.toMillis()), System::nanoTime, System.err::println).run();
 * }</pre>
 */
public final class Verification {
    private static final List<EntityKind> GRAPH = List.of(EntityKind.NODE, EntityKind.RELATIONSHIP);
    private static final List<EntityKind> SCHEMA = List.of(EntityKind.INDEX, EntityKind.CONSTRAINT);
    /** Progress is reported at most this often while a pass runs. */
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private final String database;
    private final MemberGraph primary;
    private final MemberGraph standby;
    private final ReplicationSync sync;
    private final VerifyOptions options;
    private final Throttle throttle;
    private final Throttle.Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final Consumer<String> progress;
    private final Settlement settlement = new Settlement();
    private final Map<EntityKind, long[]> counts = new EnumMap<>(EntityKind.class);
    private long start;
    private long lastProgress;
    private int windows;
    private boolean complete = true;

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

    /** Runs the four steps; a member that cannot be read ends it with a {@link VerifyException}. */
    public VerifyReport run() {
        start = nanoTime.getAsLong();
        lastProgress = start;
        Map<EntityKind, Map<String, Sighting>> schemaOnPrimary = schemaByKind(primary.schema());
        ChainPosition at = sync.bookmark();
        long applied = lineUp(at);
        Map<EntityKind, Map<String, Sighting>> schemaOnStandby = schemaByKind(standby.schema());
        compareSchema(schemaOnPrimary, schemaOnStandby);
        for (EntityKind kind : GRAPH) {
            counts.put(kind, new long[2]);
            if (complete) {
                KeyHashes equal = primaryPass(kind);
                equal.seal();
                if (complete) {
                    standbyPass(kind, equal);
                }
            }
        }
        int suspects = settlement.size();
        int rounds = settle();
        VerifyReport.Counts schema = new VerifyReport.Counts(count(schemaOnPrimary), count(schemaOnStandby));
        return report(at, applied, schema, suspects, rounds, elapsedMillis());
    }

    private static long count(Map<EntityKind, Map<String, Sighting>> schema) {
        return schema.values().stream().mapToLong(Map::size).sum();
    }

    private long elapsedMillis() {
        return (nanoTime.getAsLong() - start) / 1_000_000;
    }

    /** Progress for people, with the time since the start (stderr in the CLI). */
    private void progress(String line) {
        lastProgress = nanoTime.getAsLong();
        progress.accept(line + " (" + elapsedMillis() + " ms)");
    }

    /** Progress while a pass runs, at most every ten seconds. */
    private void progressNowAndThen(String line) {
        if (nanoTime.getAsLong() - lastProgress >= PROGRESS_EVERY_NANOS) {
            progress(line);
        }
    }

    /** Waits until the standby has applied {@code at}; says how long that took. */
    private long lineUp(ChainPosition at) {
        long before = nanoTime.getAsLong();
        long applied = sync.awaitApplied(at);
        progress(standby.member() + " applied " + primary.member() + "'s (epoch " + at.epoch() + ", commit "
                + at.commitId() + ") after " + (nanoTime.getAsLong() - before) / 1_000_000 + " ms");
        return applied;
    }

    private static Map<EntityKind, Map<String, Sighting>> schemaByKind(List<CanonicalEntity> objects) {
        Map<EntityKind, Map<String, Sighting>> byKind = new EnumMap<>(EntityKind.class);
        SCHEMA.forEach(k -> byKind.put(k, new LinkedHashMap<>()));
        objects.forEach(o -> Sighting.add(byKind.get(o.kind()), o, false));
        return byKind;
    }

    private void compareSchema(Map<EntityKind, Map<String, Sighting>> p, Map<EntityKind, Map<String, Sighting>> s) {
        for (EntityKind kind : SCHEMA) {
            Set<String> names = new LinkedHashSet<>(p.get(kind).keySet());
            names.addAll(s.get(kind).keySet());
            names.stream().filter(n -> !Sighting.same(p.get(kind).get(n), s.get(kind).get(n)))
                    .forEach(n -> settlement.add(new Candidate(kind, n, Set.of())));
        }
    }

    /**
     * Every entity of {@code kind} on the primary, window by window, each window's keys looked up on the standby once
     * it has applied the primary's position after the window: returns the hashes of the keys found equal. Stops
     * (incomplete) at {@link VerifyOptions#maxDifferences} suspects.
     */
    private KeyHashes primaryPass(EntityKind kind) {
        KeyHashes equal = new KeyHashes();
        long highest = primary.highestId(kind);
        Map<String, Sighting> window = new LinkedHashMap<>();
        for (long from = 0; from <= highest && complete; from += options.chunkSize()) {
            throttle.acquire(options.chunkSize());
            for (CanonicalEntity e : primary.scan(kind, from, options.chunkSize())) {
                Sighting.add(window, e, true);
                counts.get(kind)[0]++;
            }
            boolean last = from + options.chunkSize() > highest;
            if (window.size() >= options.window() || (last && !window.isEmpty())) {
                compareWindow(kind, window, equal);
                window.clear();
                progressNowAndThen("compared " + counts.get(kind)[0] + " " + kind.label() + "s of "
                        + primary.member() + " with " + standby.member() + ", " + settlement.size() + " suspect(s)");
            }
        }
        progress("compared " + counts.get(kind)[0] + " " + kind.label() + "s of " + primary.member() + " with "
                + standby.member() + " in " + windows + " window(s) so far, " + settlement.size() + " suspect(s)");
        return equal;
    }

    /** One window: the standby lined up with the primary's position, then the window's keys read on it. */
    private void compareWindow(EntityKind kind, Map<String, Sighting> onPrimary, KeyHashes equal) {
        windows++;
        sync.awaitApplied(sync.bookmark());
        List<Candidate> keys = onPrimary.entrySet().stream()
                .map(e -> new Candidate(kind, e.getKey(), startKeys(e.getValue(), null))).toList();
        Map<String, Sighting> onStandby = readByKey(standby, kind, keys, true);
        for (Map.Entry<String, Sighting> e : onPrimary.entrySet()) {
            Sighting b = onStandby.get(e.getKey());
            if (Sighting.same(e.getValue(), b)) {
                equal.add(CanonicalEntity.keyHash(kind, e.getKey()));
            } else if (!suspect(new Candidate(kind, e.getKey(), startKeys(e.getValue(), b)))) {
                return;
            }
        }
    }

    /**
     * Every entity of {@code kind} on the standby, chunk by chunk, by key only ({@link MemberGraph#scanRefs}); the ones
     * the primary pass did not find equal are read whole on the standby and looked up on the primary, and become
     * suspects unless the primary holds them the same.
     */
    private void standbyPass(EntityKind kind, KeyHashes equal) {
        long highest = standby.highestId(kind);
        for (long from = 0; from <= highest && complete; from += options.chunkSize()) {
            throttle.acquire(options.chunkSize());
            List<Candidate> unseen = new ArrayList<>();
            for (EntityRef ref : standby.scanRefs(kind, from, options.chunkSize())) {
                counts.get(kind)[1]++;
                if (!equal.contains(CanonicalEntity.keyHash(kind, ref.key()))) {
                    unseen.add(new Candidate(kind, ref.key(), ref.startKey() == null ? Set.of()
                            : Set.of(ref.startKey())));
                }
            }
            if (!unseen.isEmpty()) {
                Map<String, Sighting> onStandby = readByKey(standby, kind, unseen, true);
                Map<String, Sighting> onPrimary = readByKey(primary, kind, unseen, true);
                for (Candidate c : unseen) {
                    Sighting a = onPrimary.get(c.key());
                    Sighting b = onStandby.get(c.key());
                    if (!Sighting.same(a, b) && !suspect(new Candidate(kind, c.key(), startKeys(a, b)))) {
                        break;
                    }
                }
            }
            progressNowAndThen("read " + counts.get(kind)[1] + " " + kind.label() + "s of " + standby.member()
                    + ", " + settlement.size() + " suspect(s)");
        }
        progress("read " + counts.get(kind)[1] + " " + kind.label() + "s of " + standby.member() + ", "
                + settlement.size() + " suspect(s)");
    }

    /** Adds a suspect; false (and the report incomplete) when --max-differences are open already. */
    private boolean suspect(Candidate c) {
        if (settlement.size() >= options.maxDifferences()) {
            complete = false;
            return false;
        }
        settlement.add(c);
        return true;
    }

    /** {@code keys} as {@code g} holds them, in chunks, throttled, by key; {@code light}: without the entities. */
    private Map<String, Sighting> readByKey(MemberGraph g, EntityKind kind, List<Candidate> keys, boolean light) {
        Map<String, Sighting> found = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i += options.chunkSize()) {
            List<Candidate> batch = keys.subList(i, Math.min(keys.size(), i + options.chunkSize()));
            throttle.acquire(batch.size());
            g.read(kind, batch).forEach(e -> Sighting.add(found, e, light));
        }
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

    /** Rounds of re-reading until no suspect is open or the rounds are used up; returns the rounds run. */
    private int settle() {
        int rounds = 0;
        while (rounds < options.rounds() && settlement.size() > 0) {
            if (rounds > 0) {
                pause(options.roundPause());
            }
            rounds++;
            progress("round " + rounds + ": reading " + settlement.size() + " suspect(s) on both members");
            round();
        }
        return rounds;
    }

    /**
     * One round over every open suspect: all of them on the primary, one wait for the standby, all of them on the
     * standby, all of them on the primary again. Holds three sightings per suspect (at most --max-differences).
     */
    private void round() {
        Map<EntityKind, Map<String, Sighting>> before = readOpen(primary);
        lineUp(sync.bookmark());
        Map<EntityKind, Map<String, Sighting>> onStandby = readOpen(standby);
        Map<EntityKind, Map<String, Sighting>> after = readOpen(primary);
        for (EntityKind kind : EntityKind.values()) {
            settlement.open(kind).forEach(c -> settlement.record(kind, c.key(), before.get(kind).get(c.key()),
                    onStandby.get(kind).get(c.key()), after.get(kind).get(c.key())));
        }
    }

    /** The open suspects as {@code g} holds them, by kind and key: entities in chunks, schema objects whole. */
    private Map<EntityKind, Map<String, Sighting>> readOpen(MemberGraph g) {
        Map<EntityKind, Map<String, Sighting>> read = new EnumMap<>(EntityKind.class);
        for (EntityKind kind : GRAPH) {
            read.put(kind, readByKey(g, kind, settlement.open(kind), false));
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

    private VerifyReport report(ChainPosition at, long applied, VerifyReport.Counts schema, int suspects, int rounds,
                                long millis) {
        List<Difference> differences = settlement.differences();
        List<Difference> unsettled = settlement.unsettled();
        VerifyReport.Outcome outcome = !differences.isEmpty() ? VerifyReport.Outcome.DIFFERENT
                : !unsettled.isEmpty() || !complete ? VerifyReport.Outcome.UNSETTLED : VerifyReport.Outcome.EQUAL;
        VerifyReport.Counts nodes = counts(EntityKind.NODE);
        VerifyReport.Counts relationships = counts(EntityKind.RELATIONSHIP);
        String summary = VerifyText.summary(outcome, primary.member(), standby.member(), nodes, relationships, schema,
                differences, unsettled, complete, options.maxDifferences());
        return new VerifyReport(outcome, primary.member(), standby.member(), database, at.epoch(), at.commitId(),
                applied, nodes, relationships, schema, windows, suspects, rounds, complete, differences, unsettled,
                millis, summary, null);
    }

    private VerifyReport.Counts counts(EntityKind kind) {
        long[] c = counts.getOrDefault(kind, new long[2]);
        return new VerifyReport.Counts(c[0], c[1]);
    }
}
