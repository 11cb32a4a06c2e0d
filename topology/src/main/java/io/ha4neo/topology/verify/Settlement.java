package io.ha4neo.topology.verify;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The candidates of one verify run and what each round of re-reading found (pure). A round reads a candidate on the
 * primary, then on the standby once it has applied the primary's position, then on the primary again:
 * <ul>
 *   <li>the standby's entity equals either primary read: it <b>matches</b> and is settled as equal (it was in flight
 *       the earlier time);</li>
 *   <li>the two primary reads agree and the standby differs from them: it <b>differs</b> this round, with the primary
 *       holding still, so the standby (at a position between the two reads) really holds something else;</li>
 *   <li>the primary changed it between its two reads: this round proves nothing (<b>unstable</b>).</li>
 * </ul>
 * After the last round, a candidate that never matched and differed in at least one round is a {@link Difference};
 * one that was unstable in every round is <em>unsettled</em>: verify cannot tell, because writes kept changing it.
 */
final class Settlement {
    /** What one round found for one candidate. */
    enum Verdict { MATCHES, DIFFERS, UNSTABLE }

    private final Map<Id, Open> open = new LinkedHashMap<>();

    private record Id(EntityKind kind, String key) {
    }

    /** A candidate still open: its rounds that differed, and the last two sightings that tell how. */
    private static final class Open {
        Candidate candidate;
        int differed;
        Sighting primary;
        Sighting standby;

        Open(Candidate candidate) {
            this.candidate = candidate;
        }
    }

    static Verdict judge(Sighting primaryBefore, Sighting standby, Sighting primaryAfter) {
        if (Sighting.same(standby, primaryBefore) || Sighting.same(standby, primaryAfter)) {
            return Verdict.MATCHES;
        }
        return Sighting.same(primaryBefore, primaryAfter) ? Verdict.DIFFERS : Verdict.UNSTABLE;
    }

    /** Adds a candidate; one that is open already gets the start keys of both. */
    void add(Candidate c) {
        open.merge(new Id(c.kind(), c.key()), new Open(c), (old, fresh) -> {
            Set<String> starts = new HashSet<>(old.candidate.startKeys());
            starts.addAll(c.startKeys());
            old.candidate = new Candidate(c.kind(), c.key(), starts);
            return old;
        });
    }

    /** The open candidates of {@code kind}, in the order they were added. */
    List<Candidate> open(EntityKind kind) {
        return open.values().stream().map(o -> o.candidate).filter(c -> c.kind() == kind).toList();
    }

    /** How many candidates are open. */
    int size() {
        return open.size();
    }

    /** Records one round's three sightings (null: nothing under the key) of an open candidate. */
    Verdict record(EntityKind kind, String key, Sighting primaryBefore, Sighting standby, Sighting primaryAfter) {
        Id id = new Id(kind, key);
        Open o = open.get(id);
        if (o == null) {
            throw new IllegalArgumentException(kind.label() + " " + key + " is no open candidate");
        }
        Verdict verdict = judge(primaryBefore, standby, primaryAfter);
        switch (verdict) {
            case MATCHES -> open.remove(id);
            case DIFFERS -> {
                o.differed++;
                o.primary = primaryAfter;
                o.standby = standby;
            }
            case UNSTABLE -> {
                if (o.differed == 0) {
                    o.primary = primaryAfter;
                    o.standby = standby;
                }
            }
        }
        return verdict;
    }

    /** The candidates that differed and never matched: the differences, by kind and key. */
    List<Difference> differences() {
        return report(true);
    }

    /** The candidates that were unstable in every round. */
    List<Difference> unsettled() {
        return report(false);
    }

    private List<Difference> report(boolean differed) {
        return open.entrySet().stream().filter(e -> (e.getValue().differed > 0) == differed)
                .filter(e -> e.getValue().primary != null || e.getValue().standby != null)
                .sorted(Comparator.comparing((Map.Entry<Id, Open> e) -> e.getKey().kind())
                        .thenComparing(e -> e.getKey().key()))
                .map(e -> Difference.of(e.getKey().kind(), e.getKey().key(), e.getValue().primary,
                        e.getValue().standby))
                .toList();
    }
}
