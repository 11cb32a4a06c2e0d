package io.ha4neo.schemas.value;

/**
 * A Neo4j/Cypher duration. Its four components are kept separately, never normalised, because
 * {@code duration({months: 1})} and {@code duration({days: 30})} are different values in Neo4j.
 *
 * @param months calendar months
 * @param days calendar days
 * @param seconds seconds
 * @param nanos nanoseconds of the second, 0..999_999_999
 */
public record IsoDuration(long months, long days, long seconds, int nanos) {
    public IsoDuration {
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("duration nanos must be in 0..999999999, was " + nanos);
        }
    }
}
