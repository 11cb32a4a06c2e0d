package io.ha4neo.topology.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The parts of one entity that differ between two members, side by side: labels (or type), endpoints and only the
 * properties whose values differ, so that a table row shows the difference rather than two long texts. Pure.
 */
final class DifferenceDetail {
    private static final String NONE = "(none)";

    private DifferenceDetail() {
    }

    /** {primary's side, standby's side} of what differs between {@code p} and {@code s}, entities of one key. */
    static String[] of(CanonicalEntity p, CanonicalEntity s) {
        if (p.kind().isSchema()) {
            return new String[] {p.text(), s.text()};
        }
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        if (!p.head().equals(s.head())) {
            left.add(head(p));
            right.add(head(s));
        }
        if (!Objects.equals(p.startKey(), s.startKey()) || !Objects.equals(p.endKey(), s.endKey())) {
            left.add("(" + p.startKey() + ")->(" + p.endKey() + ")");
            right.add("(" + s.startKey() + ")->(" + s.endKey() + ")");
        }
        TreeSet<String> keys = new TreeSet<>(p.properties().keySet());
        keys.addAll(s.properties().keySet());
        for (String k : keys) {
            String a = p.properties().get(k);
            String b = s.properties().get(k);
            if (!Objects.equals(a, b)) {
                left.add(k + ": " + (a == null ? NONE : a));
                right.add(k + ": " + (b == null ? NONE : b));
            }
        }
        if (left.isEmpty()) { // equal texts, different digests: cannot happen unless the encoding changed
            return new String[] {p.text(), s.text()};
        }
        return new String[] {String.join(", ", left), String.join(", ", right)};
    }

    private static String head(CanonicalEntity e) {
        if (e.head().isEmpty()) {
            return "(no labels)";
        }
        return e.kind() == EntityKind.NODE ? "labels " + e.head() : "type " + e.head();
    }
}
