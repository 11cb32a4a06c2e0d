package io.ha4neo.topology.cluster;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean ...?" for misspelt field names. Names are compared without case, '_', '-' and '.', so
 * {@code bolt_uri} finds {@code bolt}, {@code bootstrap.servers} finds {@code bootstrapServers} and
 * {@code passwd} finds {@code password}. Pure.
 */
final class Suggestions {
    private Suggestions() {
    }

    /** The known name closest to {@code unknown}, if one is close enough to be a plausible typo. */
    static Optional<String> closest(String unknown, Collection<String> known) {
        String u = normalize(unknown);
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String candidate : known) {
            int score = score(u, normalize(candidate));
            if (score < bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return bestScore <= Math.max(1, u.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** " (did you mean 'x'?)" or "", ready to append to a message. */
    static String didYouMean(String unknown, Collection<String> known) {
        return closest(unknown, known).map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    /** 0 for the same normalized name, 1 when one contains the other (bolt_uri / bolt), else the edit distance. */
    private static int score(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        if (Math.min(a.length(), b.length()) >= 3 && (a.contains(b) || b.contains(a))) {
            return 1;
        }
        return editDistance(a, b);
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
